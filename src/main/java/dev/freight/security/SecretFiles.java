package dev.freight.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files holding a node's secrets (the admin key's hash, the link signing key). */
final class SecretFiles {
    private SecretFiles() {
    }

    /**
     * Creates {@code file} readable by its owner only and writes {@code content}; false when the file exists already
     * (another node starting on the same data_dir won, and its secret is the one to use).
     */
    static boolean createOwnerOnly(Path file, String content) throws IOException {
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
}
