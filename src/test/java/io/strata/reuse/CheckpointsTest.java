package io.strata.reuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.plan.Stage;
import io.strata.plan.SubStage;

class CheckpointsTest {

    @TempDir
    Path dir;

    private static Stage stage(boolean prerun, SubStage... subs) {
        return new Stage("stage2", Path.of("stages/stage2"), Optional.empty(),
                prerun ? Optional.of(Path.of("stages/stage2/prerun.sh")) : Optional.empty(), List.of(subs),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty());
    }

    private static SubStage sub(String name, boolean skipped) {
        return new SubStage(name, Path.of("stages/stage2", name), skipped, List.of(), List.of());
    }

    private static KeyInputs inputs(Map<String, String> files) {
        TreeMap<String, String> all = new TreeMap<>(Map.of("previous", "p", "strata", "s", "var:A", "a", "file:prerun.sh", "x"));
        files.forEach((path, digest) -> all.put("file:" + path, digest));
        return new KeyInputs(all);
    }

    @Test
    void aStageRunsInItsPrerunThenEachSubstageThatRunsAndAnEditChangesOnlyTheKeysFromItsSubstageOn() {
        Stage stage = stage(true, sub("00-a", false), sub("01-skipped", true), sub("02-c", false));
        Map<String, String> files = new TreeMap<>(Map.of("00-a/00-run.sh", "1", "01-skipped/SKIP", "2", "02-c/00-run.sh", "3"));
        Checkpoints before = Checkpoints.of(dir, stage, inputs(files));
        assertThat(before.segments()).containsExactly("prerun.sh", "00-a", "02-c");

        files.put("02-c/00-run.sh", "edited");
        Checkpoints after = Checkpoints.of(dir, stage, inputs(files));
        assertThat(Checkpoints.withoutFilesOf(inputs(files), java.util.Set.of("02-c")).digests())
                .doesNotContainKey("file:02-c/00-run.sh").containsKeys("file:00-a/00-run.sh", "file:01-skipped/SKIP", "file:prerun.sh");

        // Written by the first build: the checkpoints of prerun.sh and 00-a hold for the second, on the same base.
        for (int i = 0; i < 2; i++) {
            write(before.layer(i));
            before.keep(i, "base-1");
        }
        assertThat(after.holding("base-1")).isEqualTo(2);
        assertThat(after.holding("base-2")).as("on another base image: none").isZero();

        files.put("01-skipped/SKIP", "removed, say");
        assertThat(Checkpoints.of(dir, stage, inputs(files)).holding("base-1")).as("an edit in a skipped substage before 02-c")
                .isEqualTo(2);
        files.put("00-a/00-run.sh", "edited");
        assertThat(Checkpoints.of(dir, stage, inputs(files)).holding("base-1")).as("prerun.sh's alone").isEqualTo(1);
    }

    @Test
    void aStageOfOneSegmentHasNoCheckpointsAndDroppingKeepsOnlyTheOnesBefore() throws Exception {
        assertThat(Checkpoints.of(dir, stage(false, sub("00-a", false)), inputs(Map.of())).any()).isFalse();
        Checkpoints three = Checkpoints.of(dir, stage(false, sub("00-a", false), sub("01-b", false), sub("02-c", false)),
                inputs(Map.of()));
        for (int i = 0; i < 3; i++) {
            write(three.layer(i));
        }
        three.keep(0, "b");
        three.keep(1, "b");
        Files.writeString(dir.resolve("stray"), "");
        three.dropFrom(1);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("stage2.0-00-a.qcow2", "stage2.0-00-a.key");
        }
        assertThat(three.holding("b")).isEqualTo(1);
    }

    private static void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "layer");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
