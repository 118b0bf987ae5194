package dev.freight.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * picocli models built with its programmatic API, for the commands whose start-up counts: the root and the one-shot
 * {@code export}. From annotations picocli builds the same model by reflection, and the JVM makes a proxy class
 * for every annotation type read, parses generic signatures and generates accessors: about 0.06 s of a one-row
 * export that takes 0.35 s in all, none of which a class-data-sharing archive keeps. The other commands, run
 * rarely or for long, keep their annotations.
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

    /**
     * {@code option} bound to a field of its command: picocli sets it through {@code set}, and it starts from the
     * field's current value (a list, a map, false), as an annotated field does.
     */
    static <T> OptionSpec bound(OptionSpec.Builder option, Supplier<T> get, Consumer<T> set) {
        Field<T> field = new Field<>(get, set);
        return option.getter(field).setter(field).initialValue(get.get()).build();
    }

    /*
     * A named class, not a lambda: picocli is compiled for Java 5, and a lambda implementing one of its interfaces
     * makes the class-data-sharing dump link picocli's classes, which then cannot be archived.
     */
    private static final class Field<T> implements IGetter, ISetter {
        private final Supplier<T> get;
        private final Consumer<T> set;

        Field(Supplier<T> get, Consumer<T> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R get() {
            return (R) get.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> R set(R value) {
            R previous = get();
            set.accept((T) value);
            return previous;
        }
    }
}
