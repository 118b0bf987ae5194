package dev.freight.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * freight.example.yml with its commented-out examples in force (lines that start with '#' and two spaces): the
 * sources, datasets, limits, roles, api_keys, and storage as the S3 example rather than the directory, since a
 * store is one or the other.
 */
public final class ExampleConfig {
    public static final Path EXAMPLE = Path.of("freight.example.yml");
    /** The variables the examples reference. */
    public static final Map<String, String> REFERENCED = Map.of("PG_PASSWORD", "pg", "CRM_DB_PASSWORD", "crm",
            "S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "S3_SECRET_ACCESS_KEY", "s3-secret", "SMTP_PASSWORD", "smtp");

    private ExampleConfig() {
    }

    public static String uncommented() {
        try {
            return Files.readAllLines(EXAMPLE).stream()
                    .filter(line -> !line.startsWith("  path:"))
                    .map(line -> line.startsWith("  type: local") ? line.replace("type: local", "type: s3   ") : line)
                    .map(line -> line.startsWith("#  ") ? line.substring(1) : line)
                    .collect(Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
