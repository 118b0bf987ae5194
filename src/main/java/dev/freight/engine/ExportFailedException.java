package dev.freight.engine;

/**
 * The export broke while running. {@code transientFailure} says whether trying again may succeed (lost
 * connection, serialization failure, storage timeout) or not (a query the database rejects).
 */
public class ExportFailedException extends RuntimeException {
    private final String code;
    private final boolean transientFailure;

    public ExportFailedException(String code, String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.transientFailure = transientFailure;
    }

    public String code() {
        return code;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
