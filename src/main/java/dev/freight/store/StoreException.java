package dev.freight.store;

/** The job store could not be read or written; callers treat it as transient (the database may come back). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
