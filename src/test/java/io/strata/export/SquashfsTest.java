package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/** The squashfs check against real mksquashfs output: a junk-sized squashfs fails, a real one passes. */
class SquashfsTest {

    private static final java.time.Instant WHEN = java.time.Instant.parse("2026-11-22T00:00:00Z");

    @TempDir
    Path dir;
    private final SystemProcessRunner runner = new SystemProcessRunner(LineSink.DISCARD);

    @BeforeEach
    void needsMksquashfs() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mksquashfs")), "needs mksquashfs (squashfs-tools, in depends)");
    }

    @Test
    void aSquashfsUnderOneMebibyteFailsNamingItsSize() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/etc"));
        Files.writeString(tree.resolve("hostname"), "tiny\n");
        Path squashfs = dir.resolve("filesystem.squashfs");
        assertThatThrownBy(() -> Squashfs.write(runner, dir.resolve("tree"), squashfs, "zstd", WHEN))
                .isInstanceOf(Squashfs.FailedException.class)
                .hasMessageContaining("mksquashfs wrote only").hasMessageContaining("bytes to filesystem.squashfs")
                .hasMessageContaining("when the disk fills up");
        assertThat(squashfs).exists();
    }

    @Test
    void aSquashfsOfARealSizeTreePasses() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        byte[] noise = new byte[3 << 20];
        new Random(7).nextBytes(noise);
        Files.write(tree.resolve("noise.bin"), noise);
        Path squashfs = dir.resolve("filesystem.squashfs");
        Squashfs.write(runner, tree, squashfs, "gzip", WHEN);
        assertThat(Files.size(squashfs)).isGreaterThan(Squashfs.MIN_BYTES);
    }

    @Test
    void aMksquashfsThatFailsIsReportedWithItsExitCode() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        assertThatThrownBy(() -> Squashfs.write(runner, tree, dir.resolve("missing/dir/filesystem.squashfs"), "zstd", WHEN))
                .isInstanceOf(Squashfs.FailedException.class).hasMessageContaining("mksquashfs failed (exit");
    }

    @Test
    void aMissingSquashfsFails() {
        assertThatThrownBy(() -> Squashfs.check(dir.resolve("nothing.squashfs")))
                .isInstanceOf(Squashfs.FailedException.class).hasMessageContaining("mksquashfs wrote no nothing.squashfs");
    }
}
