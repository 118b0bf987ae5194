package dev.freight.cli;

import dev.freight.config.ConfigException;
import dev.freight.error.InvalidRequestException;
import dev.freight.source.SourceUnavailableException;

import java.util.concurrent.Callable;

/** The error handling every node command shares: one line, and the exit code that says what kind of failure. */
abstract class NodeCommand implements Callable<Integer> {
    abstract int execute() throws Exception;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (ConfigException | InvalidRequestException e) {
            return fail(e, Main.EXIT_BAD_INPUT);
        } catch (SourceUnavailableException e) {
            return fail(e, Main.EXIT_SOURCE_UNREACHABLE);
        } catch (Exception e) {
            return fail(e, Main.EXIT_FAILURE);
        }
    }

    private static int fail(Exception e, int code) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        System.err.println("freight: error: " + message.replaceAll("\\s*\\R\\s*", " "));
        return code;
    }
}
