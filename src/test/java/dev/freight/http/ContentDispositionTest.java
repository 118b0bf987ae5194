package dev.freight.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContentDispositionTest {
    @Test
    void aPlainNameIsQuotedAndEncodedAlike() {
        assertThat(ContentDisposition.attachment("orders-20250101-120000.csv"))
                .isEqualTo("attachment; filename=\"orders-20250101-120000.csv\"; filename*=UTF-8''orders-20250101-120000.csv");
    }

    @Test
    void lineBreaksQuotesAndBackslashesNeverReachTheHeader() {
        String header = ContentDisposition.attachment("evil\"\r\nSet-Cookie: x=1\\.csv");
        assertThat(header).doesNotContain("\r").doesNotContain("\n");
        assertThat(header).startsWith("attachment; filename=\"evil___Set-Cookie: x=1_.csv\"; ");
        assertThat(header).endsWith("filename*=UTF-8''evil%22%0D%0ASet-Cookie%3A%20x%3D1%5C.csv");
    }

    @Test
    void nonAsciiNamesKeepTheirUtf8SpellingInTheExtendedParameter() {
        assertThat(ContentDisposition.attachment("commandes-été.csv"))
                .isEqualTo("attachment; filename=\"commandes-_t_.csv\"; filename*=UTF-8''commandes-%C3%A9t%C3%A9.csv");
    }
}
