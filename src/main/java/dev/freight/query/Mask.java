package dev.freight.query;

import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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
    /**
     * The hex HMAC-SHA256 of the text under the node's mask key ({@code server.mask_key}): rows can still be joined
     * and counted by it, and without the key no dictionary of candidate values finds the value again.
     */
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

    /** A mask that needs no key ({@code hash} does: see {@link #apply(Object, byte[])}). */
    public Object apply(Object value) {
        return apply(value, null);
    }

    /** {@code hashKey}: the secret of the {@code hash} mask; the other masks need none. */
    public Object apply(Object value, byte[] hashKey) {
        if (value == null || this == NULL) return null;
        String text = text(value);
        return switch (this) {
            case EMAIL -> email(text);
            case LAST4 -> last4(text);
            case HASH -> hmac(text, hashKey);
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

    private static String hmac(String s, byte[] key) {
        // Never an unkeyed digest: a plain SHA-256 of a price or a name is reversed by hashing every candidate.
        if (key == null || key.length == 0) throw new IllegalStateException("the hash mask needs a key (server.mask_key)");
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
