package io.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.disk.QcowChain;
import io.strata.exec.Command;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/**
 * The store with real qcow2 files (qemu-img, qemu-io): a base and a child stage stored, the child's
 * layer rebased onto the stored base and equal to the child it was stored from; a work dir's overlay
 * of it; a tampered layer found out by its digest; and which stages a prune may drop.
 */
class LocalStageStoreTest {

    private static final String KEY0 = "0".repeat(64);
    private static final String KEY1 = "1".repeat(64);

    @TempDir
    Path dir;
    private final SystemProcessRunner runner = new SystemProcessRunner(LineSink.DISCARD);
    private LocalStageStore store;

    @BeforeEach
    void qemuImgIsThere() {
        assumeThat(Path.of("/usr/bin/qemu-img")).as("qemu-img (qemu-utils, in depends)").exists();
        store = new LocalStageStore(dir.resolve("store"), runner);
    }

    private Path qcow2(String name, Optional<Path> backing, int pattern) throws Exception {
        Path image = dir.resolve("work/" + name);
        Files.createDirectories(image.getParent());
        if (backing.isPresent()) {
            runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing.get().toString(), "-F", "qcow2",
                    image.toString()));
        } else {
            runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "4M"));
        }
        runner.check(Command.of("qemu-io", "-f", "qcow2", "-c", "write -P " + pattern + " " + pattern * 65536 + " 64k",
                image.toString()));
        return image;
    }

    private Path done(String name) throws Exception {
        return Files.writeString(dir.resolve("work/" + name + ".done"), "key of " + name + "\n");
    }

    @Test
    void aStoredChainHoldsWhatTheWorkDirBuiltAndAWorkDirUsesItThroughAnOverlay() throws Exception {
        Path base = qcow2("image-stage0.qcow2", Optional.empty(), 1);
        Path child = qcow2("image-stage1.qcow2", Optional.of(base), 2);

        StoredStage stored0 = store.put(KEY0, "stage0", base, Optional.empty(), done("stage0"), "first");
        StoredStage stored1 = store.put(KEY1, "stage1", child, Optional.of(stored0), done("stage1"), "first");

        assertThat(QcowChain.of(stored1.layer())).containsExactly(stored1.layer(), stored0.layer());
        assertThat(runner.run(Command.of("qemu-img", "compare", "-q", child.toString(), stored1.layer().toString()))
                .exitCode()).as("the stored chain reads as the work dir's").isZero();
        assertThat(store.intact(stored1)).isTrue();
        assertThat(Files.readString(stored1.doneRecord())).isEqualTo("key of stage1\n");
        assertThat(store.find(KEY1)).contains(stored1);
        assertThat(store.put(KEY1, "stage1", child, Optional.of(stored0), done("stage1"), "second").builtFor())
                .as("stored once").isEqualTo("first");

        Path other = Files.createDirectories(dir.resolve("other-work"));
        Path overlay = other.resolve("image-stage1.qcow2");
        store.use(stored1, overlay);
        assertThat(QcowChain.of(overlay)).containsExactly(overlay, stored1.layer(), stored0.layer());
        assertThat(runner.run(Command.of("qemu-img", "compare", "-q", child.toString(), overlay.toString())).exitCode()).isZero();
        assertThat(store.liveUsers(stored1)).containsExactly(other);
        assertThat(store.liveUsers(stored0)).as("noted where a work dir uses it; its base stays as the base of a kept layer")
                .isEmpty();

        Files.delete(overlay);
        assertThat(store.liveUsers(stored1)).as("a work dir that no longer reaches the layer").isEmpty();
    }

    @Test
    void aTamperedLayerFailsItsDigest() throws Exception {
        StoredStage stored = store.put(KEY0, "stage0", qcow2("image-stage0.qcow2", Optional.empty(), 3), Optional.empty(),
                done("stage0"), "first");
        try (RandomAccessFile file = new RandomAccessFile(stored.layer().toFile(), "rw")) {
            file.seek(3 * 65536 + 0x40000);
            file.write(0x42);
        } catch (java.io.IOException readOnly) {
            assumeThat(false).as("root writes a read-only file; this user cannot").isTrue();
        }
        assertThat(store.intact(stored)).isFalse();
    }

    @Test
    void thePruneDropsTheOldestLeavesFirstAndNeverWhatIsInUse() {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        PrunePlan.Entry s0 = entry("a", Optional.empty(), 100, now.minus(Duration.ofDays(30)), false);
        PrunePlan.Entry s1 = entry("b", Optional.of("a"), 100, now.minus(Duration.ofDays(20)), false);
        PrunePlan.Entry s2 = entry("c", Optional.of("b"), 100, now.minus(Duration.ofDays(10)), false);
        PrunePlan.Entry used = entry("d", Optional.of("a"), 100, now.minus(Duration.ofDays(40)), true);
        List<PrunePlan.Entry> all = List.of(s0, s1, s2, used);

        assertThat(PrunePlan.toFit(all, 250)).as("the oldest leaf first: c is the only droppable one")
                .containsExactly(s2, s1);
        assertThat(PrunePlan.toFit(all, 0)).as("a stays: d builds on it and is in use").containsExactly(s2, s1);
        assertThat(PrunePlan.olderThan(all, Duration.ofDays(15), now)).as("c was used 10 days ago").isEmpty();
        assertThat(PrunePlan.olderThan(all, Duration.ofDays(5), now)).containsExactly(s2, s1);
    }

    private static PrunePlan.Entry entry(String key, Optional<String> base, long size, Instant used, boolean inUse) {
        return new PrunePlan.Entry(new StoredStage(key.repeat(64), "stage-" + key, "img", used, base.map(b -> b.repeat(64)),
                "0".repeat(64), size, Path.of("/nonexistent")), used, inUse);
    }
}
