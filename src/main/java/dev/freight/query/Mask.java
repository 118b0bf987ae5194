package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a masked column is exported (a role's {@code columns_masked}). Masks work on the value's text form, the one a
 * CSV export writes (decimals in plain notation, ISO-8601 dates, base64 bytes), so a masked value is the same
 * whichever database it came from. NULL stays NULL under every mask: there is nothing to hide.
 */
public enum Mask {
    /** {@code jane@example.com} → {@code j***@example.com}: the first character and the domain stay. */
    EMAIL("email"),
    /** {@code 4111111111111111} → {@code ************1111}; four characters or fewer are starred completely. */
    LAST4("last4"),
    /** The hex SHA-256 of the text: rows can still be joined and counted by it, the value cannot be read. */
    HASH("hash"),
    /** Always NULL; the column keeps its type. */
    NULL("null");

    private final String wireName;

    Mask(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Mask> fromWire(String name) {
        if (name == null) return Optional.empty();
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.wireName.equals(n)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(Mask::wireName).collect(Collectors.joining(", "));
    }

    public Object apply(Object value) {
        if (value == null || this == NULL) return null;
        String text = text(value);
        return switch (this) {
            case EMAIL -> email(text);
            case LAST4 -> last4(text);
            case HASH -> sha256(text);
            case NULL -> null;
        };
    }

    /** The type the writers see: text, except that {@code null} keeps the column's type (its values are all NULL). */
    public ColumnType resultType(ColumnType original) {
        return this == NULL ? original : ColumnType.STRING;
    }

    /** The column as the writers see it (Parquet, XLSX and JSON take their schema from it). */
    public Column resultColumn(Column c) {
        if (this == NULL) return c;
        return new Column(c.name(), ColumnType.STRING, "text", Types.VARCHAR, true, 0, 0);
    }

    static String text(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof BigDecimal d) return d.toPlainString();
        if (value instanceof byte[] b) return Base64.getEncoder().encodeToString(b);
        return value.toString();
    }

    private static String email(String s) {
        int at = s.lastIndexOf('@');
        String local = at < 0 ? s : s.substring(0, at);
        String domain = at < 0 ? "" : s.substring(at);
        // Code points, not chars: a first letter outside the BMP must not be cut in half.
        String first = local.isEmpty() ? "" : new String(Character.toChars(local.codePointAt(0)));
        return first + "***" + domain;
    }

    private static String last4(String s) {
        int[] cps = s.codePoints().toArray();
        int keep = cps.length > 4 ? 4 : 0;
        StringBuilder b = new StringBuilder(cps.length);
        for (int i = 0; i < cps.length - keep; i++) b.append('*');
        for (int i = cps.length - keep; i < cps.length; i++) b.appendCodePoint(cps[i]);
        return b.toString();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
