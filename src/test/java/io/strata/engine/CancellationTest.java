package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class CancellationTest {

    private final Cancellation cancellation = new Cancellation();

    @Test
    void nothingStartsOnceTheBuildIsCancelled() throws Exception {
        cancellation.checkpoint("stage2", "00-a/00-run.sh", Path.of("/w/build.log"));
        cancellation.cancel();
        assertThatThrownBy(() -> cancellation.checkpoint("stage2", "sealing the stage", Path.of("/w/build.log")))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("stage stage2, sealing the stage: interrupted").hasMessageContaining("/w/build.log");
    }

    @Test
    void theHookWaitsForTheBuildThreadsRelease() throws Exception {
        assertThat(cancellation.awaitReleased(Duration.ofMillis(50))).isFalse();
        Thread owner = new Thread(cancellation::markReleased);
        owner.start();
        assertThat(cancellation.awaitReleased(Duration.ofSeconds(10))).isTrue();
        owner.join();
    }
}
