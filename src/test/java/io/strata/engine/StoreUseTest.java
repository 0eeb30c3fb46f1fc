package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.RegistryLocation;
import io.strata.config.SecretMasker;
import io.strata.disk.QcowChain;
import io.strata.exec.Command;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;
import io.strata.plan.Stage;
import io.strata.store.LocalStageStore;
import io.strata.store.RegistryStore;
import io.strata.store.StoredStage;

/**
 * What a build does with its store, on real qcow2 files: a stage kept by one work dir is taken by
 * another as an overlay with its done record; CLEAN=1 takes nothing; a tampered layer, a base that was
 * never kept and a registry that cannot be reached each leave the stage to be built, saying why.
 */
class StoreUseTest {

    private static final String KEY0 = "0".repeat(64);
    private static final String KEY1 = "1".repeat(64);

    @TempDir
    Path dir;
    private final SystemProcessRunner runner = new SystemProcessRunner(LineSink.DISCARD);
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<String> fromStore = new CopyOnWriteArrayList<>();
    private final BuildListener listener = new BuildListener() {
        @Override
        public void note(Stage stage, String text) {
            notes.add(stage.name() + ": " + text);
        }

        @Override
        public void stageFromStore(Stage stage, Path image, io.strata.store.StoredStage stored) {
            fromStore.add(stage.name() + " " + stored.builtFor());
        }
    };
    private LocalStageStore store;

    @BeforeEach
    void qemuImgIsThere() {
        assumeThat(Path.of("/usr/bin/qemu-img")).as("qemu-img (qemu-utils, in depends)").exists();
        store = new LocalStageStore(dir.resolve("store"), runner);
    }

    private static Stage stage(String name) {
        return new Stage(name, Path.of("stages", name), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty());
    }

    private StoreUse use(String work, Optional<RegistryStore> remote, boolean clean) throws Exception {
        Path workDir = Files.createDirectories(dir.resolve(work));
        BuildLog log = BuildLog.open(workDir.resolve("build.log"), new SecretMasker(List.of()),
                new PrintStream(PrintStream.nullOutputStream()));
        return new StoreUse(store, remote, new WorkLayout(workDir), BuildListener.all(List.of(new LogListener(log), listener)),
                work, clean);
    }

    /** A sealed stage image in {@code work}, on {@code base}'s image when given, with its done record. */
    private void sealed(String work, String name, Optional<String> base, int pattern) throws Exception {
        WorkLayout layout = new WorkLayout(dir.resolve(work));
        Path image = layout.stageImage(name);
        Files.createDirectories(layout.workDir());
        if (base.isPresent()) {
            runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", "-b",
                    layout.stageImage(base.get()).toAbsolutePath().toString(), "-F", "qcow2", image.toString()));
        } else {
            runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "4M"));
        }
        runner.check(Command.of("qemu-io", "-f", "qcow2", "-c", "write -P " + pattern + " " + pattern * 65536 + " 64k",
                image.toString()));
        Files.writeString(layout.doneMarker(name), "done " + name + "\n");
    }

    @Test
    void aStageKeptByOneWorkDirIsTakenByAnotherAsAnOverlayWithItsDoneRecord() throws Exception {
        StoreUse first = use("first", Optional.empty(), false);
        sealed("first", "stage0", Optional.empty(), 1);
        sealed("first", "stage1", Optional.of("stage0"), 2);
        StoredStage s0 = first.keep(stage("stage0"), KEY0, Optional.empty(), Optional.empty()).orElseThrow();
        StoredStage s1 = first.keep(stage("stage1"), KEY1, Optional.of("stage0"), Optional.of(KEY0)).orElseThrow();
        assertThat(first.keep(stage("stage1"), KEY1, Optional.of("stage0"), Optional.of(KEY0))).as("kept once").contains(s1);

        StoreUse second = use("second", Optional.empty(), false);
        StoreUse.Taken taken = second.take(stage("stage1"), KEY1, Optional.of(KEY0)).orElseThrow();
        assertThat(taken.local()).isTrue();
        Path image = new WorkLayout(dir.resolve("second")).stageImage("stage1");
        assertThat(QcowChain.of(image)).containsExactly(image.toAbsolutePath(), s1.layer(), s0.layer());
        assertThat(dir.resolve("second/stage1.done")).hasContent("done stage1");
        assertThat(fromStore).containsExactly("stage1 first");
        assertThat(runner.run(Command.of("qemu-img", "compare", "-q", image.toString(),
                dir.resolve("first/image-stage1.qcow2").toString())).exitCode()).isZero();
    }

    @Test
    void cleanTakesNothingFromTheStore() throws Exception {
        sealed("first", "stage0", Optional.empty(), 1);
        use("first", Optional.empty(), false).keep(stage("stage0"), KEY0, Optional.empty(), Optional.empty()).orElseThrow();
        assertThat(use("clean", Optional.empty(), true).take(stage("stage0"), KEY0, Optional.empty())).isEmpty();
        assertThat(dir.resolve("clean/image-stage0.qcow2")).doesNotExist();
    }

    @Test
    void aTamperedLayerIsBuiltInsteadSayingWhy() throws Exception {
        sealed("first", "stage0", Optional.empty(), 3);
        StoredStage s0 = use("first", Optional.empty(), false).keep(stage("stage0"), KEY0, Optional.empty(), Optional.empty())
                .orElseThrow();
        // one byte of the data qemu-io wrote (64 KiB of 0x03), not of the qcow2 metadata
        byte[] bytes = Files.readAllBytes(s0.layer());
        int data = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\u0003".repeat(4096));
        assertThat(data).isPositive();
        try (RandomAccessFile layer = new RandomAccessFile(s0.layer().toFile(), "rw")) {
            layer.seek(data + 100);
            layer.write(0x5a);
        }
        assertThat(use("second", Optional.empty(), false).take(stage("stage0"), KEY0, Optional.empty())).isEmpty();
        assertThat(notes).contains("stage0: the stage store's layer for it does not match its digest; building instead");
    }

    @Test
    void aStageWhoseBaseWasNeverKeptIsNotKept() throws Exception {
        sealed("first", "stage0", Optional.empty(), 1);
        sealed("first", "stage1", Optional.of("stage0"), 2);
        assertThat(use("first", Optional.empty(), false).keep(stage("stage1"), KEY1, Optional.of("stage0"), Optional.of(KEY0)))
                .isEmpty();
        assertThat(notes).contains("stage1: not kept in the stage store: the stage it builds on is not there");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void aRegistryThatCannotBeReachedLeavesTheStageToBeBuiltAndIsNotFatalToAPush() throws Exception {
        // port 9 (discard) on loopback: nothing listens there, so the connection is refused at once
        RegistryStore unreachable = new RegistryStore(RegistryLocation.parse("oci://127.0.0.1:9/strata/stages").orElseThrow(),
                runner, Map.of("HOME", dir.toString()), new RegistryStore.Tuning(2, java.time.Duration.ofMillis(10), 1 << 20));
        StoreUse withRegistry = use("first", Optional.of(unreachable), false);
        assertThat(withRegistry.take(stage("stage0"), KEY0, Optional.empty())).isEmpty();
        assertThat(notes).anyMatch(n -> n.startsWith("stage0: the stage store oci://127.0.0.1:9/strata/stages could not give it ("
                + "cannot connect") && n.endsWith("); building it"));

        sealed("first", "stage0", Optional.empty(), 1);
        StoredStage s0 = withRegistry.keep(stage("stage0"), KEY0, Optional.empty(), Optional.empty()).orElseThrow();
        withRegistry.push(stage("stage0"), s0);
        assertThat(notes).anyMatch(n -> n.startsWith("stage0: not pushed to the stage store oci://127.0.0.1:9/strata/stages: "));
    }
}
