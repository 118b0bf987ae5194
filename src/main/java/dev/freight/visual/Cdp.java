package dev.freight.visual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection to a browser's DevTools endpoint: JSON commands with ids, answered by id; events are
 * not needed (the render page's own ready signal is read instead). Commands of a page go to its session
 * ({@code Target.attachToTarget} with {@code flatten}). A command that gets no answer in time, or a connection
 * that closes, is a {@link BrowserFailure}: the browser is replaced, not waited for.
 */
final class Cdp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private volatile String closedBecause;

    private Cdp(WebSocket socket) {
        this.socket = socket;
    }

    static Cdp connect(URI endpoint, Duration timeout) {
        Listener listener = new Listener();
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(endpoint, listener).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Cdp cdp = new Cdp(ws);
            listener.cdp = cdp;
            return cdp;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrowserFailure("interrupted while connecting to the browser", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new BrowserFailure("cannot connect to the browser's DevTools endpoint: " + e, e);
        }
    }

    /** Sends a command (to {@code session}, or the browser when null) and waits at most {@code timeout} for its result. */
    JsonNode send(String session, String method, Map<String, ?> params, Duration timeout) {
        if (closedBecause != null) throw new BrowserFailure("the browser connection is closed: " + closedBecause, null);
        long id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        if (session != null) msg.put("sessionId", session);
        msg.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (socket) {
                socket.sendText(msg.toString(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            JsonNode reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                throw new CommandFailed(method + ": " + reply.get("error").path("message").asText());
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrowserFailure("interrupted while waiting for " + method, e);
        } catch (TimeoutException e) {
            throw new BrowserFailure("the browser did not answer " + method + " within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new BrowserFailure("the browser connection failed during " + method + ": " + e.getCause(), e);
        } finally {
            pending.remove(id);
        }
    }

    boolean open() {
        return closedBecause == null;
    }

    private void closed(String why) {
        closedBecause = why;
        pending.values().forEach(f -> f.completeExceptionally(new IOException(why)));
    }

    @Override
    public void close() {
        closed("closed by Freight");
        socket.abort();
    }

    /** A command the browser answered with an error (a bad parameter): the browser itself is fine. */
    static final class CommandFailed extends RuntimeException {
        CommandFailed(String message) {
            super(message);
        }
    }

    /** Collects a message's parts (a screenshot arrives in many) and completes the command it answers. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();
        volatile Cdp cdp;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                try {
                    JsonNode msg = JSON.readTree(text);
                    Cdp c = cdp;
                    if (c != null && msg.has("id")) {
                        CompletableFuture<JsonNode> f = c.pending.get(msg.get("id").asLong());
                        if (f != null) f.complete(msg);
                    }
                } catch (IOException ignored) {
                    // Not JSON: not an answer to anything Freight sent.
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            if (cdp != null) cdp.closed("closed by the browser (" + status + " " + reason + ")");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (cdp != null) cdp.closed("connection error: " + error);
        }
    }
}
