package dev.freight.storage;

import java.io.IOException;

/**
 * The file store cannot be used: unreachable, or it refuses Freight (wrong credentials, a bucket that does not
 * exist). {@link #isTransient()} says whether trying again may succeed (a lost connection, a busy server) or not
 * until its configuration is fixed (refused credentials, no such bucket). The message names the store and what it
 * said, never a credential.
 */
public class StorageUnavailableException extends IOException {
    private final boolean transientFailure;

    public StorageUnavailableException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** The storage failure somewhere in {@code e}'s causes (a format writer may have wrapped it), or null. */
    public static StorageUnavailableException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageUnavailableException s) return s;
            if (t.getCause() == t) break;
        }
        return null;
    }
}
