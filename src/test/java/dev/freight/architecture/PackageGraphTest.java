package dev.freight.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of src/main form layers: each may use the ones below it, never one above, and no two depend on each
 * other, directly or around a loop. Read from the sources themselves (imports and fully qualified names), so a new
 * dependency that breaks the layering fails here, and the README's package graph is this graph.
 */
class PackageGraphTest {
    private static final Path MAIN = Path.of("src/main/java/dev/freight");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.freight\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");

    /** Lowest first. A package may use its own layer's and lower layers' packages (sub-packages share a layer). */
    private static final List<Set<String>> LAYERS = List.of(
            Set.of("error"),
            Set.of("source"),
            Set.of("query"),
            Set.of("format"),
            Set.of("engine"),
            Set.of("config"),
            Set.of("delivery"),
            Set.of("store", "storage"),
            Set.of("auth"),
            Set.of("access", "audit"),
            Set.of("export"),
            Set.of("job"),
            Set.of("push", "schedule"),
            Set.of("http", "visual"),
            Set.of("cli"));

    /** Package (relative to dev.freight) → the other Freight packages its code names. */
    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                String code = Files.readString(file).replaceFirst("(?m)^package [\\w.]+;", "");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) if (!m.group(1).equals(pkg)) uses.add(m.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    private static int layer(String pkg) {
        String top = pkg.contains(".") ? pkg.substring(0, pkg.indexOf('.')) : pkg;
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(top)) return i;
        throw new AssertionError("package dev.freight." + pkg + " has no layer: add it to PackageGraphTest.LAYERS "
                + "and to the README's code map");
    }

    @Test
    void everyPackageUsesOnlyItsOwnLayerAndTheLayersBelow() {
        List<String> upward = new ArrayList<>();
        graph().forEach((pkg, uses) -> {
            for (String used : uses) {
                if (layer(used) > layer(pkg)) upward.add(pkg + " → " + used);
            }
        });
        assertThat(upward).as("imports from a lower layer to a higher one").isEmpty();
    }

    @Test
    void noPackagesDependOnEachOther() {
        Map<String, Set<String>> graph = graph();
        List<List<String>> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> path = cycleThrough(start, start, graph, new ArrayList<>(List.of(start)), new TreeSet<>());
            if (path != null && path.get(0).equals(path.stream().sorted().findFirst().orElseThrow())) cycles.add(path);
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    private static List<String> cycleThrough(String start, String at, Map<String, Set<String>> graph,
                                             List<String> path, Set<String> seen) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleThrough(start, next, graph, path, seen);
                if (found != null) return found;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    @Test
    void theReadmeShowsThePackageGraphAsItIs() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher block = Pattern.compile("(?s)<!-- package-graph -->\\n```text\\n(.*?)```").matcher(readme);
        assertThat(block.find()).as("README.md has a ```text block after <!-- package-graph -->").isTrue();
        assertThat(block.group(1)).as("README package graph; replace it with this").isEqualTo(readmeGraph());
    }

    /** One line per package, highest layer first: the package and what it uses. */
    static String readmeGraph() {
        Map<String, Set<String>> graph = graph();
        List<String> packages = new ArrayList<>(graph.keySet());
        packages.sort((a, b) -> layer(a) != layer(b) ? layer(b) - layer(a) : a.compareTo(b));
        int width = packages.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String p : packages) {
            Set<String> uses = graph.get(p);
            text.append(String.format("%-" + width + "s", p))
                    .append(uses.isEmpty() ? "" : " → " + uses.stream().collect(Collectors.joining(", "))).append('\n');
        }
        return text.toString().replaceAll(" +\n", "\n");
    }
}
