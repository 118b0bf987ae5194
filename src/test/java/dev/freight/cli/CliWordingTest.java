package dev.freight.cli;

import dev.freight.error.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every request field the export path can refuse, in the flag a CLI user typed for it. */
class CliWordingTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "dataset            | --table",
            "format             | --format",
            "columns            | --columns",
            "columns[3]         | --columns",
            "filters            | --where",
            "filters[0].column  | --where",
            "filters[1].op      | --where",
            "filters[2].value   | --where",
            "filters[2].value[1]| --where",
            "where              | --where",
            "sort               | --sort",
            "sort[0].column     | --sort",
            "sort[0].dir        | --sort",
            "row_limit          | --limit",
            "ids                | --ids",
            "ids[7]             | --ids",
            "date_from          | --from",
            "date_to            | --to",
            "compress           | --gzip",
            "options.labels     | --label",
            "options.labels.sku | --label",
            "options.delimiter  | -O delimiter",
            "options.time_zone  | -O time_zone",
            "options            | -O",
            "output             | -o",
            "progress           | --progress",
            "source             | --source",
            "series             | --series",
            "series.granularity | --series",
            "series.measures[0].column | --series"})
    void eachApiFieldMapsToItsFlag(String field, String flag) {
        assertThat(CliWording.flagOf(field)).isEqualTo(flag);
    }

    @Test
    void apiWordsInTheMessageBecomeFlags() {
        InvalidRequestException e = new InvalidRequestException("no_time_column", "date_from",
                "dataset 'keyless' has no date or timestamp column, so date_from/date_to cannot apply");
        assertThat(CliWording.message(e)).isEqualTo("dataset 'keyless' has no date or timestamp column, so --from/--to cannot apply");
    }

    @Test
    void aMessageThatNamesNoFlagIsPrefixedWithTheFlagAtFault() {
        InvalidRequestException e = new InvalidRequestException("invalid_value", "ids",
                "at most 10000 ids are allowed, got 10001");
        assertThat(CliWording.message(e)).isEqualTo("--ids: at most 10000 ids are allowed, got 10001");
    }

    @Test
    void aRefusalOfTheWholeRequestIsLeftAsItIs() {
        InvalidRequestException e = new InvalidRequestException("invalid_request", null, "nothing to export");
        assertThat(CliWording.message(e)).isEqualTo("nothing to export");
    }
}
