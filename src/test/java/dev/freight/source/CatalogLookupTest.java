package dev.freight.source;

import dev.freight.testing.ScratchDatabase;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table is asked of the catalog by its name first (a one-shot export need not list a whole catalog), and by the
 * whole listing when that finds nothing: either way a name is matched as the catalog spells it, never as a pattern,
 * and the table found is the one the listing would give.
 */
class CatalogLookupTest {
    @TempDir
    static Path dir;
    private static ScratchDatabase db;
    private static String otherSchema;
    private static JdbcSource source;

    @BeforeAll
    static void tables() {
        db = ScratchDatabase.create("postgresql", dir);
        otherSchema = db.postgresSchema() + "_other";
        TestDatabases.execute(TestDatabases.postgres(),
                "CREATE TABLE " + db.postgresSchema() + ".a_b (id int PRIMARY KEY)",
                "CREATE TABLE " + db.postgresSchema() + ".axb (x text, y text)",
                "CREATE TABLE " + db.postgresSchema() + ".\"Mixed\" (id int)",
                "CREATE VIEW " + db.postgresSchema() + ".a_b_view AS SELECT id FROM " + db.postgresSchema() + ".a_b",
                "CREATE SCHEMA " + otherSchema,
                "CREATE TABLE " + otherSchema + ".a_b (other_id int)");
        source = JdbcSource.openSingle("t", db.url(), null, null);
    }

    @AfterAll
    static void drop() {
        source.close();
        TestDatabases.execute(TestDatabases.postgres(), "DROP SCHEMA " + otherSchema + " CASCADE");
        db.close();
    }

    @Test
    void aNameIsNotAPattern() {
        Table ab = source.catalog().find("a_b").orElseThrow();
        assertThat(ab.schema()).isEqualTo(db.postgresSchema());
        assertThat(ab.columns()).extracting(Column::name).containsExactly("id");
        assertThat(ab.primaryKey()).containsExactly("id");
        assertThat(source.catalog().find("axb").orElseThrow().columns()).extracting(Column::name).containsExactly("x", "y");
        assertThat(source.catalog().find("a%")).isEmpty();
        assertThat(source.catalog().find("a_")).isEmpty();
    }

    @Test
    void viewsAreFoundByName() {
        assertThat(source.catalog().find("a_b_view").orElseThrow().kind()).isEqualTo("VIEW");
    }

    @Test
    void anotherSchemasTableIsFoundByItsQualifiedName() {
        Table other = source.catalog().find(otherSchema + ".a_b").orElseThrow();
        assertThat(other.schema()).isEqualTo(otherSchema);
        assertThat(other.columns()).extracting(Column::name).containsExactly("other_id");
    }

    @Test
    void aUniqueCaseInsensitiveMatchTakesTheCatalogsSpelling() {
        Table mixed = source.catalog().find("mixed").orElseThrow();
        assertThat(mixed.tableName()).isEqualTo("Mixed");
        assertThat(source.catalog().find("Mixed").orElseThrow().tableName()).isEqualTo("Mixed");
    }

    @Test
    void anUnknownNameIsNotFound() {
        assertThat(source.catalog().find("nosuch")).isEmpty();
        assertThat(source.catalog().datasetNames()).contains("a_b", "axb", "Mixed", "a_b_view", otherSchema + ".a_b");
    }
}
