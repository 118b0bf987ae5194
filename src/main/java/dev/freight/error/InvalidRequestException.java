package dev.freight.error;

/**
 * The request cannot be exported as asked. {@code code} is stable (it becomes the problem+json {@code code} and
 * is what clients switch on, one of {@link ProblemCode}); the message names the offending value and the valid choices.
 */
public class InvalidRequestException extends RuntimeException {
    private final String code;
    private final String field;

    public InvalidRequestException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public InvalidRequestException(ProblemCode code, String field, String message) {
        this(code.code(), field, message);
    }

    public String code() {
        return code;
    }

    /** The request field at fault, e.g. {@code filters[1].value}; null when it is the request as a whole. */
    public String field() {
        return field;
    }
}
