package dev.freight.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.freight.query.ExportRequest;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL's numeric holds up to 16,383 digits after the point; Jackson refuses to write a scale past 9,999 as
 * plain digits. JSON and NDJSON exports of such values must still be exact numbers, read back equal (read through
 * binary COPY, whose numeric decoding must keep every digit and the scale).
 */
class PostgresExtremeDecimalsTest {
    private static final String TABLE = "extreme_decimals_" + TestDatabases.runId();
    private static final ObjectMapper READER = JsonMapper.builder(new com.fasterxml.jackson.core.JsonFactoryBuilder()
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNumberLength(100_000).build()).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        TestDatabases.execute(TestDatabases.postgres(), "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, n numeric)",
                "INSERT INTO " + TABLE + " VALUES (1, 1e-12000), (2, 1e12000), (3, -123.4500), (4, 1e-9999)");
        source = ExportRunner.open(TestDatabases.postgres());
    }

    @AfterAll
    static void close() {
        source.close();
    }

    private static List<BigDecimal> fromDatabase() throws Exception {
        List<BigDecimal> values = new ArrayList<>();
        try (Connection c = TestDatabases.connect(TestDatabases.postgres()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM " + TABLE + " ORDER BY id")) {
            while (rs.next()) values.add(rs.getBigDecimal(1));
        }
        return values;
    }

    @Test
    void jsonWritesEveryDecimalExactlyWhateverItsScale() throws Exception {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of(TABLE, "json")
                .withSort(List.of(new dev.freight.query.SortKey("id", "asc"))));
        assertThat(out.result().path()).isEqualTo(dev.freight.engine.ExportResult.Path.COPY_BINARY);
        String json = out.text();
        List<BigDecimal> exported = new ArrayList<>();
        for (JsonNode row : READER.readTree(json)) exported.add(row.get("n").decimalValue());
        assertThat(exported).usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(fromDatabase());
    }

    @Test
    void ndjsonWritesEveryDecimalExactlyWhateverItsScale() throws Exception {
        ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of(TABLE, "ndjson")
                .withSort(List.of(new dev.freight.query.SortKey("id", "asc"))));
        assertThat(out.result().path()).isEqualTo(dev.freight.engine.ExportResult.Path.COPY_BINARY);
        String ndjson = out.text();
        List<BigDecimal> exported = new ArrayList<>();
        for (String line : ndjson.split("\n")) exported.add(READER.readTree(line).get("n").decimalValue());
        assertThat(exported).usingElementComparator(BigDecimal::compareTo).containsExactlyElementsOf(fromDatabase());
    }
}
