package dev.freight.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The admin API key of a node. At first start a random key is generated and only its SHA-256 hash is written to
 * {@code <data_dir>/admin-key.sha256} (owner-only permissions); the plaintext is handed back once so that
 * {@code serve} can print it, and exists nowhere afterwards. A lost key is replaced by deleting the file.
 */
public final class AdminKey implements ApiKeyCheck {
    public static final String PRINCIPAL = "admin";
    public static final String FILE_NAME = "admin-key.sha256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] hash;
    private final String newKey;

    private AdminKey(byte[] hash, String newKey) {
        this.hash = hash;
        this.newKey = newKey;
    }

    /** Reads the stored hash, or generates a key and stores its hash when there is none yet. */
    public static AdminKey loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) return new AdminKey(read(file), null);
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            String key = "frt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            byte[] hash = sha256(key);
            if (!SecretFiles.createOwnerOnly(file, HexFormat.of().formatHex(hash) + "\n")) {
                return new AdminKey(read(file), null);
            }
            return new AdminKey(hash, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!text.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("admin key file " + file + " is not a SHA-256 hex digest; delete it to "
                    + "generate a new admin key");
        }
        return HexFormat.of().parseHex(text);
    }

    /**
     * When the admin key of the node with this data directory was made, if it was. The file is written once, when
     * the key is generated, and never again, so its modification time is that moment.
     */
    public static Optional<Instant> createdAt(Path dataDir) {
        try {
            return Optional.of(Files.getLastModifiedTime(dataDir.resolve(FILE_NAME)).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The plaintext key, only on the start that generated it. */
    public Optional<String> newKey() {
        return Optional.ofNullable(newKey);
    }

    @Override
    public Optional<Principal> authenticate(String bearerToken) {
        if (bearerToken == null) return Optional.empty();
        return authenticateHash(sha256(bearerToken));
    }

    @Override
    public Optional<Principal> authenticateHash(byte[] sha256) {
        if (sha256 == null) return Optional.empty();
        // Comparing digests of equal length in constant time: nothing about the stored hash leaks through timing.
        return MessageDigest.isEqual(sha256, hash) ? Optional.of(Principal.admin(PRINCIPAL)) : Optional.empty();
    }

    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
