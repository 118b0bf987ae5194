package dev.freight.job;

/** The job store could not be read or written; callers treat it as transient (the database may come back). */
public class JobStoreException extends RuntimeException {
    public JobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
