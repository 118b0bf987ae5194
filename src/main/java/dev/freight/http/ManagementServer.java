package dev.freight.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.freight.job.JobStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The management listener ({@code server.management_host}:{@code server.management_port}): Prometheus metrics and
 * health checks without an API key, for a scraper that cannot hold one. It serves nothing else, so it may be
 * reachable where the API is not; it listens on loopback unless configured otherwise.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final HttpServer server;
    private final ExecutorService threads;

    private ManagementServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    public static ManagementServer start(String host, int port, PrometheusMeterRegistry registry, JobStore store,
                                         dev.freight.storage.FileStore files) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " (server.management_port): "
                    + e.getMessage(), e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    send(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
                } else if (path.equals("/metrics")) {
                    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                } else if (path.equals("/health/live")) {
                    send(exchange, 200, Http.JSON, "{\"status\":\"up\"}");
                } else if (path.equals("/health/ready")) {
                    ready(exchange, store, files);
                } else {
                    send(exchange, 404, "text/plain; charset=utf-8", "the management port serves /metrics, "
                            + "/health/live and /health/ready only\n");
                }
            }
        });
        // Two threads: a scrape and a health probe at once; nothing here is slow.
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "freight-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.start();
        LOG.info("Freight management (metrics, health) listening on {}:{}", host, server.getAddress().getPort());
        return new ManagementServer(server, threads);
    }

    private static void ready(HttpExchange exchange, JobStore store, dev.freight.storage.FileStore files)
            throws IOException {
        if (Readiness.problem(store, files).isPresent()) {
            exchange.getResponseHeaders().set("Retry-After", "5");
            send(exchange, 503, Http.JSON, "{\"status\":\"not_ready\"}");
            return;
        }
        send(exchange, 200, Http.JSON, "{\"status\":\"ready\"}");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
