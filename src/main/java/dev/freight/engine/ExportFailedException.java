package dev.freight.engine;

/**
 * The export broke while running. {@code transientFailure} says whether trying again may succeed (lost
 * connection, serialization failure, storage timeout) or not (a query the database rejects). The message is what
 * any caller may read; {@link #operatorMessage()} may say more (the database's whole text), for the server log and
 * the local operator's CLI.
 */
public class ExportFailedException extends RuntimeException {
    private final String code;
    private final boolean transientFailure;
    private final String operatorMessage;

    public ExportFailedException(String code, String message, boolean transientFailure, Throwable cause) {
        this(code, message, transientFailure, cause, null);
    }

    public ExportFailedException(String code, String message, boolean transientFailure, Throwable cause,
                                 String operatorMessage) {
        super(message, cause);
        this.code = code;
        this.transientFailure = transientFailure;
        this.operatorMessage = operatorMessage;
    }

    public String operatorMessage() {
        return operatorMessage != null ? operatorMessage : getMessage();
    }

    public String code() {
        return code;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
