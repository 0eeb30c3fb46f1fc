package io.strata.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.reuse.Digests;
import io.strata.testing.RecordingRunner;

/** The verdict on two files before any partition is copied out: identical, or where the bytes part. */
class ImageComparisonTest {

    @TempDir
    Path dir;

    private final StringWriter text = new StringWriter();
    private final RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, 0));
    private final ImageComparison comparison = new ImageComparison(runner, new PrintWriter(text, true));

    @Test
    void theSameBytesAreIdenticalWithTheirSha256AndNothingIsRun() throws Exception {
        byte[] bytes = new byte[3 << 20];
        bytes[2_000_000] = 7;
        Path a = Files.write(dir.resolve("a.img"), bytes);
        Path b = Files.write(dir.resolve("b.img"), bytes);
        assertThat(comparison.compare(a, b, dir)).isTrue();
        assertThat(text.toString()).isEqualTo("identical (sha256 " + Digests.ofFile(a) + ")" + System.lineSeparator());
        assertThat(runner.commands()).isEmpty();
    }

    @Test
    void filesWithoutAPartitionTableAreOnlySaidToDiffer() throws Exception {
        Path a = Files.write(dir.resolve("a.img"), new byte[4096]);
        byte[] other = new byte[4096];
        other[100] = 1;
        Path b = Files.write(dir.resolve("b.img"), other);
        assertThat(comparison.compare(a, b, dir)).isFalse();
        assertThat(text.toString()).contains("different: " + a, "not both disk images with an MBR");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.img", "b.img");
        }
    }

    @Test
    void theFirstDifferingByteIsFoundPastABufferAndFromEachOffset() throws Exception {
        byte[] one = new byte[(3 << 20) + 10];
        byte[] two = one.clone();
        two[(2 << 20) + 5] = 9;
        Path a = Files.write(dir.resolve("a.img"), one);
        Path b = Files.write(dir.resolve("b.img"), two);
        assertThat(ImageComparison.firstDifference(a, 0, b, 0, one.length)).isEqualTo((2L << 20) + 5);
        assertThat(ImageComparison.firstDifference(a, 1 << 20, b, 1 << 20, 1 << 20)).isEqualTo(-1);
        assertThat(ImageComparison.firstDifference(a, 1 << 20, b, 1 << 20, 2 << 20)).isEqualTo((1L << 20) + 5);
    }
}
