package dev.freight.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Loads YAML text as a file named freight.yml, with an environment of the test's choosing. */
final class Configs {
    private final Path dir;

    Configs(Path dir) {
        this.dir = dir;
    }

    Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("freight.yml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FreightConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    FreightConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.load(Optional.of(write(yaml)), env);
    }

    ConfigException rejected(String yaml) {
        return rejected(yaml, Map.of());
    }

    ConfigException rejected(String yaml, Map<String, String> env) {
        Path file = write(yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.of(file), env));
        if (e == null) throw new AssertionError("expected a ConfigException for:\n" + yaml);
        return e;
    }

    /** The message of the refusal, the temporary directory taken out so that it reads as a user sees it. */
    String message(String yaml) {
        return message(yaml, Map.of());
    }

    String message(String yaml, Map<String, String> env) {
        return rejected(yaml, env).getMessage().replace(dir + java.io.File.separator, "");
    }
}
