package dev.freight.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
    private static ByteRange.Request parse(String header) {
        return ByteRange.parse(header, 1000);
    }

    private static ByteRange.Request part(long start, long end) {
        return new ByteRange.Part(new ByteRange(start, end));
    }

    @Test
    void aClosedRangeIsTakenAsIs() {
        assertThat(parse("bytes=0-499")).isEqualTo(part(0, 499));
    }

    @Test
    void anOpenRangeRunsToTheEnd() {
        assertThat(parse("bytes=900-")).isEqualTo(part(900, 999));
    }

    @Test
    void aSuffixRangeIsTheLastBytes() {
        assertThat(parse("bytes=-100")).isEqualTo(part(900, 999));
    }

    @Test
    void aSuffixLongerThanTheFileIsTheWholeFileAsARange() {
        assertThat(parse("bytes=-5000")).isEqualTo(part(0, 999));
    }

    @Test
    void anEndPastTheFileIsClamped() {
        assertThat(parse("bytes=500-5000")).isEqualTo(part(500, 999));
    }

    @Test
    void aStartAtOrPastTheEndIsUnsatisfiable() {
        assertThat(parse("bytes=1000-")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(parse("bytes=1000-2000")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(parse("bytes=99999999999999999999-")).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void aLastPositionBeyondTwoToTheSixtyThirdMeansToTheEnd() {
        assertThat(parse("bytes=0-9999999999999999999")).isEqualTo(parse("bytes=0-"));
        assertThat(parse("bytes=10-99999999999999999999999999")).isEqualTo(parse("bytes=10-"));
    }

    @Test
    void aSuffixBeyondTwoToTheSixtyThirdIsTheWholeFile() {
        assertThat(parse("bytes=-9999999999999999999")).isEqualTo(parse("bytes=-1000"));
    }

    @Test
    void anEmptySuffixIsUnsatisfiable() {
        assertThat(parse("bytes=-0")).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void anyRangeOfAnEmptyFileIsUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=0-", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=-10", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void invalidOrMultipleRangesMeanTheWholeFile() {
        for (String h : new String[]{null, "", "items=0-1", "bytes=", "bytes=5", "bytes=9-3", "bytes=a-b", "bytes=-",
                "bytes=0-1,5-6", "bytes=+1-2"}) {
            assertThat(parse(h)).as(String.valueOf(h)).isInstanceOf(ByteRange.Whole.class);
        }
    }

    @Test
    void theUnitIsCaseInsensitive() {
        assertThat(parse("Bytes=1-2")).isEqualTo(part(1, 2));
    }
}
