package dev.freight.source;

/** The source database cannot be reached or refused the connection. */
public class SourceUnavailableException extends RuntimeException {
    public SourceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
