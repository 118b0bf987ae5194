package dev.freight.engine;

import dev.freight.query.DatasetAccess;
import dev.freight.query.ExportRequest;
import dev.freight.query.Filter;
import dev.freight.query.QueryPlan;
import dev.freight.query.QueryPlanner;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.source.Table;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values reach PostgreSQL's COPY as transaction-local settings, never as SQL text: what must hold where a query's
 * text is hostile to that rewrite. Question marks that are no placeholders (in a quoted identifier, a string
 * literal, a comment), an attribute whose type only the server knows (an enum in a schema off the search path, with
 * a space in its name), and settings that must not outlive the export on a pooled connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresCopyParametersTest {
    private final String url = TestDatabases.postgres();
    private JdbcSource source;
    private Table table;

    @BeforeAll
    void createTable() {
        TestDatabases.execute(url, "DROP TABLE IF EXISTS \"questions?\"", "DROP SCHEMA IF EXISTS \"odd schema\" CASCADE",
                "CREATE SCHEMA \"odd schema\"", "CREATE TYPE \"odd schema\".\"Mood ?\" AS ENUM ('calm', 'cross')",
                "CREATE TABLE \"questions?\" (id bigint PRIMARY KEY, \"what?\" text, mood \"odd schema\".\"Mood ?\")",
                "INSERT INTO \"questions?\" VALUES (1, 'why?', 'calm'), (2, 'is it?', 'calm'), (3, '?', 'cross'),"
                        + " (4, 'why?', 'cross'), (5, NULL, 'calm')");
        source = JdbcSource.open("test", url, null, null, 1);   // one connection: the last test sees the export's session
        table = source.catalog().find("questions?").orElseThrow();
    }

    @AfterAll
    void close() {
        source.close();
    }

    private ExportRunner.Output export(ExportRequest request, DatasetAccess access) {
        QueryPlan plan = new QueryPlanner(source.catalog(), source.dialect()).plan(table, request, access);
        return ExportRunner.export(source, plan, request);
    }

    private static ExportRequest csv() {
        return ExportRequest.of("questions?", "csv").withSort(List.of(new SortKey("id", "asc")));
    }

    @Test
    void questionMarksInIdentifiersLiteralsAndCommentsAreNoPlaceholders() {
        DatasetAccess access = new DatasetAccess(null, Map.of(),
                "\"what?\" <> 'is it?' /* ? */ AND mood = ? -- ?\n", List.of("calm"), null);
        ExportRequest request = csv().withFilters(List.of(new Filter("what?", "in", List.of("why?", "?"))))
                .withRowLimit(10L);

        ExportRunner.Output out = export(request, access);

        assertThat(out.result().copyFastPath()).isTrue();
        assertThat(out.text()).isEqualTo("id,what?,mood\r\n1,why?,calm\r\n");
    }

    @Test
    void anUntypedAttributeTakesTheTypeTheServerInfersEvenOffTheSearchPath() {
        DatasetAccess cross = new DatasetAccess(null, Map.of(), "mood = ?", List.of("cross"), null);

        ExportRunner.Output out = export(csv(), cross);

        assertThat(out.result().copyFastPath()).isTrue();
        assertThat(out.text()).isEqualTo("id,what?,mood\r\n3,?,cross\r\n4,why?,cross\r\n");
    }

    @Test
    void aValueThatIsNotOfTheInferredTypeFailsAsOnTheJdbcPath() {
        DatasetAccess bogus = new DatasetAccess(null, Map.of(), "mood = ?", List.of("furious"), null);

        ExportFailedException e = org.junit.jupiter.api.Assertions.assertThrows(ExportFailedException.class,
                () -> export(csv(), bogus));

        assertThat(e.getMessage()).contains("invalid input value for enum").contains("furious");
    }

    @Test
    void noSettingOutlivesTheExportOnThePooledConnection() throws Exception {
        export(csv().withFilters(List.of(new Filter("id", "gte", 2))), DatasetAccess.FULL);

        try (var c = source.connection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT current_setting('freight.p1', true), count(*) FROM pg_prepared_statements"
                     + " WHERE name IN ('freight_parameter_types', 'freight_scan')")) {
            rs.next();
            assertThat(rs.getString(1)).as("the setting ends with the export's transaction").isNullOrEmpty();
            assertThat(rs.getInt(2)).isZero();
        }
    }
}
