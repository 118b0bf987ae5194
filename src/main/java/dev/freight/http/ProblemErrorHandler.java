package dev.freight.http;

import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors Jetty answers itself, before any route runs (a NUL or an ambiguous encoding in the path, a malformed
 * request line): problem+json like every other error, instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Http.PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body(code, message, request.getHttpURI().getPath())), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Http.PROBLEM_JSON);
        return ByteBuffer.wrap(body(status, reason, null));
    }

    private static byte[] body(int status, String message, String path) {
        String code = status == 400 ? ProblemCode.BAD_REQUEST.code() : ProblemCode.httpStatus(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://freight.dev/problems/" + code);
        body.put("title", status == 400 ? "Bad request" : "HTTP " + status);
        body.put("status", status);
        body.put("detail", "the HTTP request was refused before reaching Freight: "
                + (message == null || message.isBlank() ? "status " + status : Messages.shorten(message)));
        body.put("code", code);
        if (path != null) body.put("instance", Messages.shorten(path));
        return Json.bytes(body);
    }
}
