package dev.freight.error;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list of codes is the only place a code comes from: the sources are scanned for every place a code is given
 * (the exceptions and problems that carry one, a job's failure, an audit event's problem), and each string there
 * must be a {@link ProblemCode}. A new code is added to the enum, or this fails.
 */
class ProblemCodeTest {
    private static final Path MAIN = Path.of("src/main/java");

    /** A call that takes a code, and which of its arguments the code is (0-based). */
    private record Sink(Pattern call, int argument) {
        Sink(String regex, int argument) {
            this(Pattern.compile(regex), argument);
        }
    }

    private static final List<Sink> SINKS = List.of(
            new Sink("new (?:[\\w.]+\\.)?ApiProblem\\(", 1),
            new Sink("ApiProblem\\.(?:badRequest|conflict|gone)\\(", 0),
            new Sink("new (?:[\\w.]+\\.)?(?:Invalid|Forbidden)RequestException\\(", 0),
            new Sink("new (?:[\\w.]+\\.)?ExportFailedException\\(", 0),
            new Sink("\\.withProblem\\(", 0),
            new Sink("\\bstore\\.(?:fail|retryLater)\\(", 2),
            new Sink("\\b(?:failOrRetry|failed)\\(job, ", 2),
            new Sink("\\blogFailure\\(", 1),
            new Sink("\\brefused\\(ctx, ", 3));
    /** {@code "source_unavailable".equals(e.code())} and the other way round. */
    private static final Pattern COMPARED = Pattern.compile(
            "(\"[^\"]*\")\\.equals\\([\\w.]+\\.code\\(\\)\\)|\\.code\\(\\)\\.equals\\((\"[^\"]*\")\\)");
    /** A method that works out a code: {@code String code(SQLException e) { … }}. */
    /** A code worked out in place: {@code String code = status == 400 ? "bad_request" : …;}. */
    private static final Pattern CODE_VARIABLE = Pattern.compile("String (?:code|[a-z]\\w*Code) = ([^;]+);");
    private static final Pattern CODE_METHOD = Pattern.compile("String (?:code|[a-z]\\w*Code)\\([^)]*\\)\\s*\\{");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void codesAreSnakeCaseWithAStatusAndAMeaning() {
        for (ProblemCode c : ProblemCode.values()) {
            assertThat(c.code()).as(c.name()).matches("[a-z]+(_[a-z0-9]+)*").isEqualTo(c.toString());
            assertThat(c.status()).as(c.code()).satisfiesAnyOf(s -> assertThat(s).isZero(),
                    s -> assertThat(s).isBetween(400, 599));
            assertThat(c.meaning()).as(c.code()).isNotBlank().doesNotEndWith(".");
            assertThat(ProblemCode.fromCode(c.code())).contains(c);
            assertThat(c.code()).doesNotMatch(ProblemCode.HTTP_STATUS_PATTERN);
        }
        assertThat(ProblemCode.httpStatus(431)).isEqualTo("http_431").matches(ProblemCode.HTTP_STATUS_PATTERN);
        assertThat(ProblemCode.fromCode("nope")).isEmpty();
    }

    @Test
    void everyCodeGivenAnywhereIsListed() {
        Set<String> listed = Arrays.stream(ProblemCode.values()).map(ProblemCode::code).collect(Collectors.toSet());
        List<String> places = new ArrayList<>();
        List<String> unlisted = new ArrayList<>();
        for (Path file : sources()) {
            String src = read(file);
            for (Given given : given(src)) {
                places.add(file.getFileName() + ": " + given.expression);
                for (String literal : given.literals) {
                    if (!listed.contains(literal)) unlisted.add(file.getFileName() + ": \"" + literal + "\" in " + given.expression);
                }
            }
        }
        // The scan still finds the places codes are given (a renamed exception would make it find none).
        assertThat(places).hasSizeGreaterThan(100);
        assertThat(unlisted).as("codes not in ProblemCode (add them there, or use ProblemCode.X)").isEmpty();
    }

    @Test
    void everyListedCodeIsGivenSomewhere() {
        String all = sources().stream().filter(f -> !f.endsWith("error/ProblemCode.java")).map(ProblemCodeTest::read)
                .collect(Collectors.joining("\n"));
        Set<String> unused = new TreeSet<>();
        for (ProblemCode c : ProblemCode.values()) {
            if (!all.contains("\"" + c.code() + "\"") && !all.contains("ProblemCode." + c.name())) unused.add(c.code());
        }
        assertThat(unused).as("codes nothing gives").isEmpty();
    }

    /** The expression given as a code, and the string literals in it. */
    private record Given(String expression, List<String> literals) {
    }

    private static List<Given> given(String src) {
        List<Given> found = new ArrayList<>();
        for (Sink sink : SINKS) {
            Matcher m = sink.call().matcher(src);
            while (m.find()) {
                // The sink patterns that end in a fixed first argument ("job, ") have consumed it.
                List<String> args = arguments(src, m.end());
                int skipped = m.group().endsWith("(") ? 0 : 1;
                int index = sink.argument() - skipped;
                if (index < args.size()) found.add(new Given(args.get(index), literals(args.get(index))));
            }
        }
        Matcher compared = COMPARED.matcher(src);
        while (compared.find()) {
            String literal = compared.group(1) != null ? compared.group(1) : compared.group(2);
            found.add(new Given(compared.group(), literals(literal)));
        }
        Matcher variable = CODE_VARIABLE.matcher(src);
        while (variable.find()) found.add(new Given(variable.group(), literals(variable.group(1))));
        Matcher method = CODE_METHOD.matcher(src);
        while (method.find()) {
            String body = block(src, method.end());
            found.add(new Given(method.group(), literals(body)));
        }
        return found;
    }

    /** The top-level arguments of the call whose '(' ends just before {@code from}. */
    static List<String> arguments(String src, int from) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = from; i < src.length(); i++) {
            char ch = src.charAt(i);
            if (quote != 0) {
                current.append(ch);
                if (ch == '\\' && i + 1 < src.length()) current.append(src.charAt(++i));
                else if (ch == quote) quote = 0;
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                current.append(ch);
            } else if (ch == '(' || ch == '[' || ch == '{') {
                depth++;
                current.append(ch);
            } else if (ch == ')' || ch == ']' || ch == '}') {
                if (depth == 0) {
                    args.add(current.toString().strip());
                    return args;
                }
                depth--;
                current.append(ch);
            } else if (ch == ',' && depth == 0) {
                args.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        return args;
    }

    /** The text of the block whose '{' ends just before {@code from}, up to its matching '}'. */
    private static String block(String src, int from) {
        int depth = 1;
        for (int i = from; i < src.length(); i++) {
            char ch = src.charAt(i);
            if (ch == '{') depth++;
            if (ch == '}' && --depth == 0) return src.substring(from, i);
        }
        return src.substring(from);
    }

    private static List<String> literals(String expression) {
        List<String> out = new ArrayList<>();
        Matcher m = LITERAL.matcher(expression);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
