package dev.freight.error;

/**
 * The request is well formed but the caller may not run it (HTTP 403), e.g. {@code missing_attribute}: their role's
 * row filter needs an attribute they do not have. A job refused this way fails for good, like any invalid request.
 */
public class ForbiddenRequestException extends InvalidRequestException {
    public ForbiddenRequestException(String code, String field, String message) {
        super(code, field, message);
    }

    public ForbiddenRequestException(ProblemCode code, String field, String message) {
        super(code, field, message);
    }
}
