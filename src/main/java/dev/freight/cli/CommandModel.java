package dev.freight.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.Map;

/**
 * picocli models built with its programmatic API, for the commands whose start-up counts: the root and the one-shot
 * {@code export}. From annotations picocli builds the same model by reflection, and the JVM makes a proxy class
 * for every annotation type read, parses generic signatures and generates accessors: about 0.06 s of a one-row
 * export that takes 0.35 s in all, none of which a class-data-sharing archive keeps. The other commands, run
 * rarely or for long, keep their annotations.
 * <p>
 * A command keeps its {@link OptionSpec}s and reads what was parsed from them ({@code getValue()}): bound to fields
 * instead, every option would take a getter and a setter lambda, each linked anew on every run.
 */
final class CommandModel {
    /** The key picocli gives the standard help options, so that the model reports them as such. */
    private static final String STANDARD_HELP = "mixinStandardHelpOptions";

    private CommandModel() {
    }

    /** {@code -h, --help} and {@code -V, --version}, worded and placed as picocli's mixinStandardHelpOptions. */
    static void addStandardHelpOptions(CommandSpec command) {
        CommandSpec help = CommandSpec.create();
        help.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        help.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        command.addMixin(STANDARD_HELP, help);
    }

    /** An option taking no value: unset, it is false, as a boolean field is. */
    static OptionSpec.Builder flag(String... names) {
        return OptionSpec.builder(names).type(boolean.class).initialValue(false);
    }

    /** An option collecting strings: unset, the list is empty. */
    static OptionSpec.Builder list(String... names) {
        return OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).initialValue(List.of());
    }

    /** An option collecting key=value pairs: unset, the map is empty. */
    static OptionSpec.Builder map(String... names) {
        return OptionSpec.builder(names).type(Map.class).auxiliaryTypes(String.class, String.class).initialValue(Map.of());
    }
}
