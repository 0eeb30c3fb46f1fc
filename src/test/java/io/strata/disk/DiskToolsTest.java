package io.strata.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.testing.RecordingRunner;

/** The release logic, against a runner that records command lines. */
class DiskToolsTest {

    @Test
    void aBusyReleaseIsTriedAgainUntilItGoesThrough() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        RecordingRunner runner = new RecordingRunner(c -> tries.incrementAndGet() < 3
                ? RecordingRunner.result(c, 1, "fusermount3: failed to unmount /w/fuse: Device or resource busy")
                : RecordingRunner.result(c, 0));
        new DiskTools(runner).retryWhileBusy(Command.of("fusermount3", "-u", "/w/fuse"));
        assertThat(runner.commands()).hasSize(3).allSatisfy(c -> {
            assertThat(c.argv()).containsExactly("fusermount3", "-u", "/w/fuse");
            assertThat(c.timeLimit()).as("a plumbing command has a time limit").hasValue(DiskTools.PLUMBING_LIMIT);
        });
    }

    @Test
    void anyOtherFailureIsFinalAtOnce() {
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, 32, "umount: /w/x: not mounted."));
        assertThatThrownBy(() -> new DiskTools(runner).retryWhileBusy(Command.of("umount", "/w/x")))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("not mounted");
        assertThat(runner.commands()).hasSize(1);
    }
}
