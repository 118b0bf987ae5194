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
        try {
            if (first.isEmpty()) {
                // Suffix: the last n bytes.
                if (last.isEmpty() || !digits(last)) return new Whole();
                long n = Long.parseLong(last);
                if (n == 0 || size == 0) return new Unsatisfiable();
                return new Part(new ByteRange(Math.max(0, size - n), size - 1));
            }
            if (!digits(first) || (!last.isEmpty() && !digits(last))) return new Whole();
            long start = Long.parseLong(first);
            if (!last.isEmpty() && Long.parseLong(last) < start) return new Whole(); // invalid: ignored, per RFC
            if (start >= size) return new Unsatisfiable();
            long end = last.isEmpty() ? size - 1 : Long.parseLong(last);
            return new Part(new ByteRange(start, Math.min(end, size - 1)));
        } catch (NumberFormatException tooLong) {
            // More digits than a long holds: a position no file reaches.
            return new Unsatisfiable();
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}
