package dev.freight.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.query.ExportRequest;
import dev.freight.error.InvalidRequestException;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * date_format, timestamp_format, number_locale, bool_text and null_text change the text of CSV cells, never
 * JSON's typed numbers and booleans, and are refused up front when they cannot work.
 */
class PresentationOptionsTest {
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url, "CREATE TABLE IF NOT EXISTS presented (id int, amount numeric(12,2), ratio double precision, "
                        + "big bigint, day date, at timestamptz, local_at timestamp, ok boolean, note text)",
                "TRUNCATE presented",
                "INSERT INTO presented VALUES (1, 1234567.50, 0.25, 1234567, '2024-03-31', '2024-03-31T00:59:59Z', "
                        + "'2024-03-31T02:30:00', true, NULL), (2, -0.05, NULL, -3, NULL, NULL, NULL, false, 'x')");
        source = ExportRunner.open(url);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    private static String csv(Map<String, Object> options) {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("presented", "csv")
                .withSort(List.of(new dev.freight.query.SortKey("id", "asc"))).withOptions(options));
        assertThat(out.result().copyFastPath()).as("presentation options need the Java writer").isFalse();
        return out.text();
    }

    @Test
    void defaultsAreMachineFriendly() {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("presented", "csv")
                .withSort(List.of(new dev.freight.query.SortKey("id", "asc"))));
        assertThat(out.text()).contains("1,1234567.50,0.25,1234567,2024-03-31,2024-03-31T00:59:59+00:00,2024-03-31T02:30:00,true,\r\n");
    }

    @Test
    void germanNumbersKeepEveryDigitWithLocalSeparators() {
        assertThat(csv(Map.of("number_locale", "de-DE", "delimiter", ";")))
                .contains("1;1.234.567,50;0,25;1.234.567;").contains("2;-0,05;;-3;");
    }

    @Test
    void datesAndTimestampsTakePatternsInTheExportZone() {
        String text = csv(Map.of("date_format", "dd/MM/yyyy", "timestamp_format", "dd/MM/yyyy HH:mm XXX",
                "time_zone", "Europe/Paris"));
        // 00:59:59Z is 01:59:59 in Paris, one second before the switch to summer time. The local 02:30 does not
        // exist in Paris that night; it is still shown as 02:30, never moved to 03:30.
        assertThat(text).contains(",31/03/2024,31/03/2024 01:59 +01:00,31/03/2024 02:30 +01:00,");
    }

    @Test
    void boolTextAndNullTextReplaceTheirValues() {
        assertThat(csv(Map.of("bool_text", List.of("yes", "no"), "null_text", "n/a")))
                .contains(",yes,n/a\r\n").contains(",no,x\r\n").contains("2,-0.05,n/a,-3,n/a,n/a,n/a,no,x");
    }

    @Test
    void jsonKeepsNumbersAndBooleansTypedButFormatsDates() throws Exception {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("presented", "json")
                .withSort(List.of(new dev.freight.query.SortKey("id", "asc")))
                .withOptions(Map.of("number_locale", "de-DE", "bool_text", "yes,no", "date_format", "dd.MM.yyyy")));
        JsonNode first = new ObjectMapper().readTree(out.bytes()).get(0);
        assertThat(first.get("amount").isNumber()).isTrue();
        assertThat(first.get("amount").decimalValue()).isEqualByComparingTo("1234567.50");
        assertThat(first.get("ok").isBoolean()).isTrue();
        assertThat(first.get("day").asText()).isEqualTo("31.03.2024");
    }

    @Test
    void unusablePatternsAndLocalesAreRefusedUpFront() {
        assertThat(refused(Map.of("date_format", "HH:mm")).field()).isEqualTo("options.date_format");
        assertThat(refused(Map.of("timestamp_format", "yyyy-MM-dd {")).field()).isEqualTo("options.timestamp_format");
        assertThat(refused(Map.of("timestamp_format", "yyyy-MM-dd HH:mm VV")).getMessage()).contains("offsets, not zone names");
        assertThat(refused(Map.of("number_locale", "xx-QQ")).getMessage()).contains("xx-QQ").contains("de-DE");
        assertThat(refused(Map.of("bool_text", List.of("only-one"))).field()).isEqualTo("options.bool_text");
    }

    private static InvalidRequestException refused(Map<String, Object> options) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> FormatOptions.parse(ExportFormat.CSV, options));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo("invalid_option");
        return e;
    }
}
