package dev.freight.cli;

import dev.freight.config.FreightConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options of the commands that run on a node's configuration: serve, worker, queue, jobs, cleanup. */
final class NodeOptions {
    @Option(names = "--config", paramLabel = "<file>", description = "Configuration file (default: $FREIGHT_CONFIG, else built-in defaults).")
    Path config;

    @Option(names = "--demo", description = "Add the built-in demo database as source 'demo'.")
    boolean demo;

    FreightConfig load() {
        return FreightRuntime.loadConfig(config);
    }
}
