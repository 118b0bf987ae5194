package dev.freight.format;

import dev.freight.engine.ExportPlan;
import dev.freight.error.InvalidRequestException;
import dev.freight.format.parquet.ParquetOptions;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parquet's options are validated before anything runs, with the option named in the error. */
class ParquetOptionsTest {

    @Test
    void formatIsRegisteredWithItsContentTypeAndExtension() {
        ExportFormat parquet = ExportFormat.fromId("parquet");

        assertThat(parquet).isEqualTo(ExportFormat.PARQUET);
        assertThat(parquet.extension()).isEqualTo("parquet");
        assertThat(parquet.contentType()).isEqualTo("application/vnd.apache.parquet");
        assertThat(parquet.compressible()).isFalse();
        assertThat(parquet.optionNames()).contains("compression", "row_group_size", "labels", "time_zone");
    }

    @Test
    void defaultsAreSnappyAnd16MegabyteRowGroups() {
        ParquetOptions options = ParquetOptions.of(FormatOptions.defaults(ExportFormat.PARQUET));

        assertThat(options.codec()).isEqualTo(CompressionCodecName.SNAPPY);
        assertThat(options.rowGroupSize()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void everyCodecNameIsAccepted() {
        assertThat(codec("snappy")).isEqualTo(CompressionCodecName.SNAPPY);
        assertThat(codec("ZSTD")).isEqualTo(CompressionCodecName.ZSTD);
        assertThat(codec("gzip")).isEqualTo(CompressionCodecName.GZIP);
        assertThat(codec("none")).isEqualTo(CompressionCodecName.UNCOMPRESSED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "brotli", "", "uncompressed", "snappy,zstd"})
    void anUnknownCompressionIsRefused(String value) {
        assertThatThrownBy(() -> FormatOptions.parse(ExportFormat.PARQUET, Map.of("compression", value)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_option");
                    assertThat(e.field()).isEqualTo("options.compression");
                    assertThat(e.getMessage()).isEqualTo("compression must be one of snappy, zstd, gzip, none, got '"
                            + value + "'");
                });
    }

    @Test
    void aNonTextCompressionIsRefused() {
        assertThatThrownBy(() -> FormatOptions.parse(ExportFormat.PARQUET, Map.of("compression", 3)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("options.compression"));
    }

    @Test
    void rowGroupSizeIsBounded() {
        assertThat(ParquetOptions.of(FormatOptions.parse(ExportFormat.PARQUET, Map.of("row_group_size", 8_388_608)))
                .rowGroupSize()).isEqualTo(8_388_608L);
        assertThat(ParquetOptions.of(FormatOptions.parse(ExportFormat.PARQUET, Map.of("row_group_size", "1048576")))
                .rowGroupSize()).isEqualTo(1_048_576L);
        for (Object bad : new Object[]{1_048_575, 134_217_729L, "64MB", 1_500_000.5, -1, "", true}) {
            assertThatThrownBy(() -> FormatOptions.parse(ExportFormat.PARQUET, Map.of("row_group_size", bad)))
                    .as("%s", bad)
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_option");
                        assertThat(e.field()).isEqualTo("options.row_group_size");
                        assertThat(e.getMessage()).startsWith("row_group_size must be a whole number of bytes from 1048576");
                    });
        }
    }

    @Test
    void anUnknownOptionIsRefused() {
        assertThatThrownBy(() -> FormatOptions.parse(ExportFormat.PARQUET, Map.of("compresion", "zstd")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_option");
                    assertThat(e.field()).isEqualTo("options.compresion");
                    assertThat(e.getMessage()).startsWith("unknown option 'compresion' for format parquet; options: ")
                            .contains("compression").contains("row_group_size");
                });
        // CSV options mean nothing here.
        assertThatThrownBy(() -> FormatOptions.parse(ExportFormat.PARQUET, Map.of("delimiter", ";")))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).isEqualTo("options.delimiter"));
    }

    @Test
    void compressTrueIsRefusedBecauseParquetIsAlreadyCompressed() {
        FormatOptions options = FormatOptions.defaults(ExportFormat.PARQUET);

        assertThatThrownBy(() -> new ExportPlan(null, null, ExportFormat.PARQUET, options, true))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_option");
                    assertThat(e.field()).isEqualTo("compress");
                    assertThat(e.getMessage()).isEqualTo("format parquet is already compressed; compress: true does not apply");
                });
    }

    private static CompressionCodecName codec(String value) {
        return ParquetOptions.of(FormatOptions.parse(ExportFormat.PARQUET, Map.of("compression", value))).codec();
    }
}
