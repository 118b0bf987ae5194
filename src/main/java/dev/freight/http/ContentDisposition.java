package dev.freight.http;

import java.nio.charset.StandardCharsets;

/**
 * {@code attachment; filename="…"; filename*=UTF-8''…} (RFC 6266 / RFC 5987). The quoted form is reduced to
 * printable ASCII without quotes or backslashes, so no byte of a dataset name can end the header or the parameter.
 */
final class ContentDisposition {
    private ContentDisposition() {
    }

    static String attachment(String fileName) {
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encode(fileName);
    }

    /** RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else percent-encoded from UTF-8. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
