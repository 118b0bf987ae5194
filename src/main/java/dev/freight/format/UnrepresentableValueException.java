package dev.freight.format;

/**
 * A value the chosen format has no way to store (a numeric NaN or a decimal wider than its declared type in
 * Parquet). Trying again cannot help, unlike a failed write: the export fails for good, with the column and the
 * value in the message and a way out (another format, or a filter).
 */
public class UnrepresentableValueException extends RuntimeException {
    public UnrepresentableValueException(String message) {
        super(message);
    }
}
