package dev.freight.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Datasets: a table under another name, or one read-only query, always over a configured source. */
class DatasetConfigTest {
    @TempDir
    Path dir;
    private Configs configs;

    @BeforeEach
    void setUp() {
        configs = new Configs(dir);
    }

    private static String sqlDataset(String sql) {
        return """
                sources:
                  shop:
                    url: jdbc:postgresql://db/shop
                datasets:
                  q:
                    source: shop
                    sql: "%s"
                """.formatted(sql.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
    }

    private String sqlOf(String sql) {
        return ((SqlDataset) configs.load(sqlDataset(sql)).datasets().get("q")).sql();
    }

    @Test
    void aSecondStatementIsRejected() {
        assertThat(configs.message(sqlDataset("SELECT 1; DROP TABLE x")))
                .isEqualTo("freight.yml: datasets.q.sql: must be a single SELECT or WITH query without ';' (found one"
                        + " at character 9)");
    }

    @Test
    void aTrailingSemicolonIsRejectedToo() {
        assertThat(configs.message(sqlDataset("SELECT 1;"))).contains("without ';'");
    }

    @Test
    void aWithQueryIsAccepted() {
        String sql = "WITH paid AS (SELECT * FROM orders WHERE status = 'paid') SELECT count(*) FROM paid";
        assertThat(sqlOf(sql)).isEqualTo(sql);
        assertThat(sqlOf("with x as (select 1 as n) select n from x")).startsWith("with");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 'a;b' AS s",
            "SELECT 'it''s; fine' AS s",
            "SELECT \"odd;name\" FROM t",
            "SELECT `odd;name` FROM t",
            "SELECT 1 -- trailing; comment",
            "SELECT /* a;b */ 1",
            "-- leading comment\nSELECT 1",
            "/* leading */ select 1"})
    void aSemicolonInsideQuotesOrCommentsIsAccepted(String sql) {
        assertThat(sqlOf(sql)).isEqualTo(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DELETE FROM orders", "UPDATE orders SET x = 1", "INSERT INTO t VALUES (1)",
            "CALL p()", "VALUES (1)", "SELECTx FROM t", "(SELECT 1)"})
    void anythingButSelectOrWithIsRejected(String sql) {
        assertThat(configs.message(sqlDataset(sql)))
                .startsWith("freight.yml: datasets.q.sql: must be a single SELECT or WITH query, but starts with");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 'unterminated; DROP TABLE x", "SELECT 1 /* open; DROP TABLE x",
            "SELECT 1 --; DROP TABLE x", "SELECT 'a\\'; DROP TABLE x; --'"})
    void whatCouldHideASecondStatementIsRejected(String sql) {
        assertThat(configs.message(sqlDataset(sql))).startsWith("freight.yml: datasets.q.sql: ");
    }

    @Test
    void aDatasetNamingAnUnknownSourceIsRejected() {
        assertThat(configs.message("""
                sources:
                  shop:
                    url: jdbc:postgresql://db/shop
                  crm:
                    url: jdbc:mariadb://db/crm
                datasets:
                  orders:
                    source: shopp
                    table: orders
                """)).isEqualTo("freight.yml: datasets.orders.source: unknown source 'shopp' (did you mean 'shop'?);"
                + " sources: shop, crm");
        assertThat(configs.message("datasets:\n  orders:\n    source: shop\n    table: orders\n"))
                .isEqualTo("freight.yml: datasets.orders.source: unknown source 'shop': no sources are configured");
    }

    @Test
    void aDatasetIsATableOrAQueryNotBothNorNeither() {
        String source = "sources:\n  shop:\n    url: jdbc:h2:mem:x\n";
        assertThat(configs.message(source + "datasets:\n  d:\n    source: shop\n    table: t\n    sql: SELECT 1\n"))
                .isEqualTo("freight.yml: datasets.d: set either table or sql, not both");
        assertThat(configs.message(source + "datasets:\n  d:\n    source: shop\n"))
                .isEqualTo("freight.yml: datasets.d: missing table (a table of the source) or sql (a SELECT query)");
        assertThat(configs.message(source + "datasets:\n  d:\n    table: t\n"))
                .isEqualTo("freight.yml: datasets.d.source: missing: expected the name of a source under sources:");
    }

    @Test
    void aDatasetOverTheDemoNeedsDemoMode() {
        FreightConfig c = configs.load("datasets:\n  paid:\n    source: demo\n    sql: SELECT * FROM orders\n");

        c.checkDemoAvailable(true);
        assertThatThrownBy(() -> c.checkDemoAvailable(false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration: datasets.paid.source: 'demo' is the built-in demo database, available"
                        + " only with --demo");
    }
}
