package dev.freight.push;

import dev.freight.config.DeliveryConfig;
import dev.freight.delivery.Addresses;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Sends webhooks the Standard Webhooks way (standardwebhooks.com): a POST of a JSON body with {@code webhook-id}
 * (the same on every retry, for the receiver to drop duplicates), {@code webhook-timestamp} (epoch seconds) and
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}. The key is the endpoint's secret
 * ({@code webhooks.endpoint_secrets}, by the longest URL prefix) or else {@code webhooks.secret}: the base64 after
 * {@code whsec_} when it is written so, else its UTF-8 bytes.
 *
 * <p>Against SSRF, a URL's host must be on {@code webhooks.allowed_hosts}, and unless
 * {@code allow_private_addresses} every address it resolves to must be public. The check is made by the client's
 * own resolver, on the addresses it then connects to, so a name that resolved to a public address when the request
 * was accepted and to an internal one now (DNS rebinding) is refused. No redirect is followed, no proxy from the
 * environment is used.
 */
final class WebhookSender implements AutoCloseable {
    /** An answer: the HTTP status, or why there was none. */
    record Outcome(Integer status, String error, boolean permanent) {
        boolean delivered() {
            return error == null;
        }
    }

    /** The resolver refused every address of a host (or some of them: one is enough). */
    static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    private final DeliveryConfig.Webhooks config;
    private final CloseableHttpClient client;

    WebhookSender(DeliveryConfig.Webhooks config) {
        this.config = config;
        Timeout timeout = Timeout.of(config.timeout());
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return checkedAddresses(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                                .setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Freight-Webhooks/1")
                .build();
    }

    /** The signing key of a secret: a {@code whsec_} secret's base64, otherwise the text's bytes. */
    static byte[] key(String secret) {
        if (secret.startsWith("whsec_")) {
            try {
                return Base64.getDecoder().decode(secret.substring("whsec_".length()));
            } catch (IllegalArgumentException e) {
                // Not base64 after all: the whole text is the key.
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}. */
    static String signature(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private InetAddress[] checkedAddresses(String host) throws UnknownHostException {
        InetAddress[] all = InetAddress.getAllByName(host);
        if (config.allowPrivateAddresses()) return all;
        for (InetAddress a : all) {
            if (Addresses.isPrivate(a)) {
                throw new RefusedAddress("refused: " + host + " resolves to " + a.getHostAddress() + ", a private, "
                        + "loopback or link-local address (webhooks.allow_private_addresses is false)");
            }
        }
        return all;
    }

    Outcome send(String url, String id, long timestamp, byte[] body) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (!config.allows(host)) {
            return new Outcome(null, "refused: host " + host + " is no longer in webhooks.allowed_hosts", true);
        }
        byte[] key = config.secretFor(url).map(s -> key(s.reveal())).orElse(null);
        if (key == null) return new Outcome(null, "refused: webhooks.secret is not configured", true);
        try {
            // An address literal never reaches a resolver: checked here (it cannot change either).
            checkedAddresses(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (RefusedAddress e) {
            return new Outcome(null, e.getMessage(), true);
        } catch (UnknownHostException e) {
            return new Outcome(null, "host " + host + " does not resolve", false);
        }
        HttpPost post = new HttpPost(uri);
        post.setHeader("webhook-id", id);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", signature(key, id, timestamp, body));
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        try {
            int status = client.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
            if (status >= 200 && status < 300) return new Outcome(status, null, false);
            return new Outcome(status, "HTTP " + status, false);
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof RefusedAddress refused) return new Outcome(null, refused.getMessage(), true);
            }
            return new Outcome(null, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // Closing pooled connections: nothing to do about a failure.
        }
    }
}
