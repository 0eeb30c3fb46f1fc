package io.strata.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.testing.LockHolder;

class ScratchTest {

    @TempDir
    Path tmp;

    @Test
    void aLiveScratchSurvivesASweepAndLeavesNothingWhenClosed() throws Exception {
        try (Scratch scratch = Scratch.create(tmp, "keep-abc", "test")) {
            Files.writeString(scratch.dir().resolve("layer"), "half a copy");
            assertThat(Scratch.sweep(tmp)).isEmpty();
            assertThat(scratch.dir().resolve("layer")).exists();
        }
        try (var left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void whatAKilledProcessLeftIsSweptByItsFreeLockAtOnceWhateverItsAge() throws Exception {
        Path left;
        try (LockHolder other = LockHolder.start("scratch", tmp.toString(), "pull-abc")) {
            left = other.held();
            Files.writeString(left.resolve("blob"), "half a download");
            assertThat(Scratch.sweep(tmp)).as("its process lives").isEmpty();
        }
        assertThat(Scratch.sweep(tmp)).containsExactly(left);
        try (var rest = Files.list(tmp)) {
            assertThat(rest).as("the entry and its lock are gone").isEmpty();
        }
    }

    @Test
    void entriesWithoutALockGoOnlyOnceTheyAreAnHourOld() throws Exception {
        Path fresh = Files.createDirectory(tmp.resolve("legacy-new"));
        Path old = Files.createDirectory(tmp.resolve("legacy-old"));
        Path loneLock = Files.createFile(tmp.resolve("other-1-1.lock"));
        assertThat(Scratch.sweep(tmp)).isEmpty();
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(loneLock, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        assertThat(Scratch.sweep(tmp)).containsExactly(old);
        assertThat(fresh).exists();
        assertThat(loneLock).doesNotExist();
    }

    @Test
    void aReadOnlyCopyInADeadScratchIsRemovedToo() throws Exception {
        try (LockHolder other = LockHolder.start("scratch", tmp.toString(), "keep-ro")) {
            Path sub = Files.createDirectories(other.held().resolve("layer"));
            Files.writeString(sub.resolve("layer.qcow2"), "sealed");
            Files.setPosixFilePermissions(sub.resolve("layer.qcow2"), java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            Files.setPosixFilePermissions(sub, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
        }
        assertThat(Scratch.sweep(tmp)).hasSize(1);
    }
}
