package dev.freight.job;

import java.security.SecureRandom;

/** Job ids: 128 random bits in lowercase base32, unguessable and safe in URLs and file names. */
public final class JobIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private JobIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        StringBuilder id = new StringBuilder(26);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                id.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) id.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        return id.toString();
    }

    /** Only ids this class could have produced reach the store or the file system. */
    public static boolean isWellFormed(String id) {
        return id != null && id.length() == 26 && id.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'));
    }
}
