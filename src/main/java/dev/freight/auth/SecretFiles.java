package dev.freight.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files holding a node's secrets (the admin key's hash, the link signing key). */
public final class SecretFiles {
    private SecretFiles() {
    }

    /**
     * Creates {@code file} readable by its owner only and writes {@code content}; false when the file exists already
     * (another node starting on the same data_dir won, and its secret is the one to use).
     */
    public static boolean createOwnerOnly(Path file, String content) throws IOException {
        try {
            // Created with its final permissions, never briefly world-readable; CREATE_NEW semantics.
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return false;
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return true;
    }

    /**
     * A node's generated secret key in {@code dataDir/fileName}, created at first use (48 random bytes, base64url)
     * with owner-only permissions; read back when it exists (another process on the same data_dir may have made it).
     * {@code what} names it in errors ("link key").
     */
    public static byte[] loadOrCreateKey(Path dataDir, String fileName, int minBytes, String what) {
        Path file = dataDir.resolve(fileName);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] secret = new byte[48];
                RANDOM.nextBytes(secret);
                String encoded = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
                if (createOwnerOnly(file, encoded + "\n")) return encoded.getBytes(StandardCharsets.US_ASCII);
            }
            byte[] key = Files.readString(file, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
            if (key.length < minBytes) {
                throw new IllegalStateException(what + " file " + file + " holds fewer than " + minBytes
                        + " bytes; delete it to generate a new key");
            }
            return key;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read or create the " + what + " file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
}
