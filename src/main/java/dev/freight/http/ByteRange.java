package dev.freight.http;

/**
 * One {@code Range: bytes=…} request resolved against a file size (RFC 9110 §14). Multiple ranges and syntax the
 * server does not understand are answered with the whole file, which the RFC allows; a syntactically valid range
 * that starts past the end is unsatisfiable (416).
 */
record ByteRange(long start, long end) {

    /** What the Range header asks for. */
    sealed interface Request permits Whole, Part, Unsatisfiable {
    }

    record Whole() implements Request {
    }

    record Part(ByteRange range) implements Request {
    }

    record Unsatisfiable() implements Request {
    }

    long length() {
        return end - start + 1;
    }

    static Request parse(String header, long size) {
        if (header == null) return new Whole();
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return new Whole();
        String spec = h.substring(6).trim();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) return new Whole();
        int dash = spec.indexOf('-');
        if (dash < 0) return new Whole();
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (first.isEmpty()) {
            // Suffix: the last n bytes; a suffix longer than the file (however many digits) is the whole file.
            if (last.isEmpty() || !digits(last)) return new Whole();
            long n = position(last);
            if (n == 0 || size == 0) return new Unsatisfiable();
            return new Part(new ByteRange(Math.max(0, size - n), size - 1));
        }
        if (!digits(first) || (!last.isEmpty() && !digits(last))) return new Whole();
        long start = position(first);
        long end = last.isEmpty() ? Long.MAX_VALUE : position(last);
        if (end < start) return new Whole(); // invalid: ignored, per RFC
        if (start >= size) return new Unsatisfiable();
        // A last position past the end (also one past 2^63) means "to the end" (RFC 9110 §14.1.2).
        return new Part(new ByteRange(start, Math.min(end, size - 1)));
    }

    /** A byte position; more digits than a long holds is a position no file reaches, so it saturates. */
    private static long position(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException beyondLong) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}
