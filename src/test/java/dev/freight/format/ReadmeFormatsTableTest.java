package dev.freight.format;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's table of formats is a contract: it must name exactly each format's own options, with their choices
 * and defaults as the descriptors declare them, and the paragraph below it every common option.
 */
class ReadmeFormatsTableTest {
    private static final long MIB = 1024 * 1024;
    /** {@code `name`}, then what the README says of it in parentheses, if anything. */
    private static final Pattern OPTION = Pattern.compile("`([a-z_]+)`(?:\\s*\\(([^)]*)\\))?");

    @Test
    void theTableNamesEachFormatsOwnOptionsWithTheirChoicesAndDefaults() throws IOException {
        Map<String, String> rows = rows(section());
        assertThat(rows.keySet()).containsExactlyElementsOf(Arrays.stream(ExportFormat.values())
                .map(ExportFormat::id).toList());
        String previous = null;
        for (ExportFormat f : ExportFormat.values()) {
            String cell = rows.get(f.id());
            if (cell.equals("same")) cell = previous;
            previous = cell;
            Map<String, String> documented = options(cell);
            List<OptionSpec> own = f.options().stream().filter(o -> !FormatOptions.COMMON.contains(o)).toList();
            assertThat(documented.keySet()).as(f.id()).containsExactlyInAnyOrderElementsOf(
                    own.stream().map(OptionSpec::name).toList());
            for (OptionSpec o : own) {
                String said = documented.get(o.name());
                String what = f.id() + " " + o.name();
                switch (o.type()) {
                    case CHOICE -> assertThat(said).as(what).contains(o.choices());
                    case BOOLEAN -> assertThat(said).as(what).isEqualTo(String.valueOf(o.defaultValue()));
                    case NUMBER -> assertThat(said).as(what).contains(String.valueOf(o.defaultValue()));
                    case SIZE -> assertThat(said).as(what).contains(((Number) o.defaultValue()).longValue() / MIB
                            + " MiB", o.min() / MIB + "–" + o.max() / MIB + " MiB");
                    default -> { }
                }
            }
        }
    }

    @Test
    void theParagraphBelowNamesEveryCommonOption() throws IOException {
        String section = section();
        String common = section.substring(section.indexOf("Every format also takes"));
        common = common.substring(0, common.indexOf("\n\n"));
        for (OptionSpec o : FormatOptions.COMMON) assertThat(common).contains("`" + o.name() + "`");
    }

    private static String section() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("\n## Formats and options\n"));
        return section.substring(0, section.indexOf("\n## ", 1));
    }

    /** Format id → its options cell, from the rows "| `id` | content | options |". */
    private static Map<String, String> rows(String section) {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|[^\\n]*\\| ([^|\\n]*) \\|$").matcher(section);
        while (m.find()) rows.put(m.group(1), m.group(2).trim());
        return rows;
    }

    private static Map<String, String> options(String cell) {
        Map<String, String> options = new LinkedHashMap<>();
        if (cell.equals("—")) return options;
        Matcher m = OPTION.matcher(cell);
        while (m.find()) options.put(m.group(1), m.group(2) == null ? "" : m.group(2));
        return options;
    }
}
