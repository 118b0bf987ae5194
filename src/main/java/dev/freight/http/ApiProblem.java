package dev.freight.http;

import dev.freight.error.ProblemCode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered as RFC 9457 problem+json: HTTP status, stable {@code code}, a message naming the offending value,
 * the request field at fault when there is one, and extra response headers (e.g. {@code WWW-Authenticate}).
 */
final class ApiProblem extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final Map<String, String> headers;

    ApiProblem(int status, String code, String field, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.headers = Map.copyOf(headers);
    }

    ApiProblem(int status, String code, String field, String detail) {
        this(status, code, field, detail, Map.of());
    }

    ApiProblem(int status, ProblemCode code, String field, String detail) {
        this(status, code.code(), field, detail);
    }

    static ApiProblem badRequest(String code, String field, String detail) {
        return new ApiProblem(400, code, field, detail);
    }

    static ApiProblem badRequest(ProblemCode code, String field, String detail) {
        return badRequest(code.code(), field, detail);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, ProblemCode.NOT_FOUND, null, detail);
    }

    static ApiProblem conflict(String code, String detail) {
        return new ApiProblem(409, code, null, detail);
    }

    static ApiProblem conflict(ProblemCode code, String detail) {
        return conflict(code.code(), detail);
    }

    static ApiProblem gone(String code, String detail) {
        return new ApiProblem(410, code, null, detail);
    }

    static ApiProblem gone(ProblemCode code, String detail) {
        return gone(code.code(), detail);
    }

    ApiProblem withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiProblem(status, code, field, getMessage(), h);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }

    Map<String, String> headers() {
        return headers;
    }
}
