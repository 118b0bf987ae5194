package dev.freight.error;

/**
 * An {@code Idempotency-Key} that already names a job of the same owner came with a different request. Returning
 * that job would hand the caller an export it did not ask for (a CSV when it asked for JSON).
 */
public final class IdempotencyKeyReusedException extends RuntimeException {
    private final String key;
    private final String jobId;

    public IdempotencyKeyReusedException(String key, String jobId) {
        super("Idempotency-Key '" + key + "' was already used for a different request (job " + jobId
                + "); send the same request to get that job again, or use a new key for a new export", null, false, false);
        this.key = key;
        this.jobId = jobId;
    }

    public String key() {
        return key;
    }

    public String jobId() {
        return jobId;
    }
}
