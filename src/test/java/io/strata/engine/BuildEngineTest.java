package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.SecretMasker;
import io.strata.disk.DiskAccess;
import io.strata.disk.DiskTools;
import io.strata.disk.Ledger;
import io.strata.disk.ResourceScope;
import io.strata.exec.Command;
import io.strata.exec.CommandResult;
import io.strata.plan.ExportRequest;
import io.strata.plan.Planner;
import io.strata.plan.Stage;
import io.strata.reuse.InputCollector;
import io.strata.reuse.ReusePlanner;
import io.strata.reuse.StageDecision;
import io.strata.store.StageStores;
import io.strata.testing.FakeAttacher;
import io.strata.testing.RecordingRunner;
import io.strata.testing.TestConfig;

/**
 * The engine's decisions over real stage directories, a runner that records the commands and answers
 * them, an attacher that hands out a made-up device, and an exporter that notes what it was given:
 * which image backs which, when a stage is sealed, when an export runs or is reused, and what a failed
 * or interrupted build leaves.
 */
class BuildEngineTest {

    private static final byte[] SALT = new byte[32];

    @TempDir
    Path base;
    private Path work;
    private RecordingRunner runner;
    private FakeAttacher attacher;
    private FakeExporter exporter;
    private Cancellation cancellation;
    private BuildLog log;

    @BeforeEach
    void stages() throws IOException {
        work = Files.createDirectories(base.resolve("work"));
        file("stages/stage0/00-base/00-run-chroot.sh", "echo base\n");
        file("stages/stage1/00-user/00-run-chroot.sh", "echo user\n");
        file("stages/stage1/EXPORT_IMAGE", "IMG_SUFFIX=-lite\n");
        runner = new RecordingRunner(this::answer);
        attacher = new FakeAttacher();
        exporter = new FakeExporter();
        cancellation = new Cancellation();
        log = BuildLog.open(work.resolve("build.log"), new SecretMasker(List.of()), new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterEach
    void closeTheLog() throws IOException {
        log.close();
    }

    private void file(String relative, String content) throws IOException {
        Path path = base.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

    /**
     * qemu-img create makes its image file; a chroot step fed a script named "broken" fails; all else
     * succeeds.
     */
    private CommandResult answer(Command command) {
        List<String> argv = command.argv();
        if (argv.size() > 1 && argv.get(0).equals("qemu-img") && argv.get(1).equals("create")) {
            Path image = Path.of(argv.get(argv.indexOf(argv.contains("-b") ? "-F" : "-f") + 2));
            try {
                if (!Files.exists(image)) {
                    Files.writeString(image, "qcow2 of " + image.getFileName());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (command.stdin() != null && command.stdin().toString().contains("broken")) {
            return RecordingRunner.result(command, 3, "broken: the step failed");
        }
        return RecordingRunner.result(command, 0);
    }

    private String bootTest = "0";
    private String arch = "arm64";

    private BuildConfig config() throws BadInputException {
        return TestConfig.of(Map.of("IMG_NAME", "t", "IMG_DATE", "2026-11-22", "BASE_DIR", base.toString(),
                "WORK_DIR", work.toString(), "DEPLOY_DIR", base.resolve("deploy").toString(), "PACKAGE_CACHE_DIR", "",
                "STAGE_STORE_DIR", "", "BOOT_TEST", bootTest, "TARGET_ARCH", arch));
    }

    /** What the planners decide for the stage directories as they are now. */
    private List<StageDecision> decide() throws BadInputException {
        BuildConfig config = config();
        WorkLayout layout = new WorkLayout(work);
        return new ReusePlanner(config, inputs(config), layout::doneMarker, layout::stageImage, layout::checkpointDir)
                .decide(new Planner(config, base).plan());
    }

    private static InputCollector inputs(BuildConfig config) {
        return new InputCollector(config, SALT, "test", "test");
    }

    private BuildResult run(List<StageDecision> decisions) throws Exception {
        BuildConfig config = config();
        RunTools tools = io.strata.testing.TestTools.in(base);
        ResourceScope scope = new ResourceScope(Ledger.open(work.resolve("ledger")));
        BuildEngine.Parts parts = new BuildEngine.Parts(new BuildContext(config, new WorkLayout(work), log, tools),
                new DiskAccess(new DiskTools(runner), attacher, scope), new SecretMasker(List.of()), BuildListener.SILENT,
                List.of(exporter), inputs(config), cancellation, StageStores.NONE);
        return new BuildEngine(parts).run(decisions);
    }

    private List<List<String>> commandsOf(String program) {
        return runner.commands().stream().map(Command::argv).filter(argv -> argv.get(0).equals(program)).toList();
    }

    private Path image(String stage) {
        return work.resolve("image-" + stage + ".qcow2");
    }

    @Test
    void eachStageIsAQcowOnTheOneBeforeItSealedReadOnlyBeforeItsExportRuns() throws Exception {
        BuildResult result = run(decide());

        assertThat(result.stageImages()).containsExactly(image("stage0"), image("stage1"));
        List<List<String>> creates = commandsOf("qemu-img");
        assertThat(creates).hasSize(2);
        assertThat(creates.get(0)).doesNotContain("-b").contains(image("stage0").toString());
        assertThat(creates.get(1)).containsSubsequence("-b", image("stage0").toString(), "-F", "qcow2", image("stage1").toString());
        assertThat(commandsOf("mkfs.ext4")).as("only the first stage gets a new file system").hasSize(1);
        for (String stage : List.of("stage0", "stage1")) {
            assertThat(work.resolve(stage + ".done")).exists();
            assertThat(Files.getPosixFilePermissions(image(stage))).isEqualTo(PosixFilePermissions.fromString("r--------"));
        }
        assertThat(attacher.attached()).containsExactly(image("stage0"), image("stage1"));
        assertThat(attacher.held()).as("every attach released before the build ends").isZero();

        assertThat(exporter.calls).hasSize(1);
        FakeExporter.Call call = exporter.calls.get(0);
        assertThat(call.stage()).isEqualTo("stage1");
        assertThat(call.image()).isEqualTo(image("stage1"));
        assertThat(call.sealed()).as("the export sees a sealed image").isTrue();
        assertThat(call.attachedWhileExporting()).as("and nothing of the stage attached").isZero();
        assertThat(work.resolve("stage1.export-image")).exists();
    }

    @Test
    void anArmhfStageFileSystemHasNoHashedDirectoriesForItsEmulatedPrograms() throws Exception {
        run(decide());
        assertThat(commandsOf("mkfs.ext4")).singleElement().asList().doesNotContain("^dir_index");

        arch = "armhf";
        runner = new RecordingRunner(this::answer);
        run(decide()); // another TARGET_ARCH: every stage is built again, from the first

        assertThat(commandsOf("mkfs.ext4")).singleElement().asList().containsSubsequence("-O", "^dir_index");
    }

    @Test
    void aSecondRunReusesTheStagesAndTheExportUntilADeployedFileIsGone() throws Exception {
        run(decide());
        runner = new RecordingRunner(this::answer);
        exporter.calls.clear();

        List<StageDecision> again = decide();
        assertThat(again).extracting(StageDecision::action).containsOnly(StageDecision.Action.REUSE);
        run(again);
        assertThat(commandsOf("qemu-img")).as("no image is made").isEmpty();
        assertThat(attacher.attached()).as("nothing is attached again").hasSize(2);
        assertThat(exporter.calls).as("the export is still there").isEmpty();
        assertThat(Files.readString(work.resolve("build.log"))).contains("image export reused: " + exporter.deployed);

        Files.delete(exporter.deployed);
        run(decide());
        assertThat(exporter.calls).as("a deployed file is gone: the export runs again").hasSize(1);
        assertThat(commandsOf("qemu-img")).as("on the stage image as it is").isEmpty();
    }

    @Test
    void aChangedStageIsRebuiltOnTheKeptOneBeforeItAndTheOldExportIsForgotten() throws Exception {
        run(decide());
        exporter.calls.clear();
        runner = new RecordingRunner(this::answer);
        file("stages/stage1/00-user/00-run-chroot.sh", "echo another user\n");

        List<StageDecision> decisions = decide();
        assertThat(decisions).extracting(StageDecision::action)
                .containsExactly(StageDecision.Action.REUSE, StageDecision.Action.BUILD);
        run(decisions);
        assertThat(commandsOf("qemu-img")).singleElement().asList().contains("-b", image("stage0").toString());
        assertThat(exporter.calls).singleElement().extracting(FakeExporter.Call::stage).isEqualTo("stage1");
    }

    @Test
    void withBootTestTheCheckIsAStepAfterTheExportAndOnlyAPassRecordsTheExport() throws Exception {
        bootTest = "1";
        exporter.bootFails = true;
        assertThatThrownBy(() -> run(decide())).isInstanceOf(StepFailedException.class).hasMessageContaining("boot check");
        assertThat(exporter.checked).as("the deployed files, once exported").containsExactly(List.of(exporter.deployed));
        assertThat(work.resolve("stage1.export-image")).as("a failed check records no export").doesNotExist();
        assertThat(Files.readString(work.resolve("build.log"))).containsSubsequence("stage stage1: image export",
                "stage stage1: boot check");

        exporter.bootFails = false;
        exporter.calls.clear();
        run(decide());
        assertThat(exporter.calls).as("the next build exports again").hasSize(1);
        assertThat(exporter.checked).hasSize(2);
        assertThat(work.resolve("stage1.export-image")).exists();

        bootTest = "0";
        Files.delete(exporter.deployed);
        run(decide());
        assertThat(exporter.checked).as("BOOT_TEST=0 boots nothing").hasSize(2);
    }

    @Test
    void aFailedStepSealsNothingExportsNothingAndReleasesWhatItAttached() throws Exception {
        file("stages/stage1/01-broken/00-run-chroot.sh", "exit 3\n");

        assertThatThrownBy(() -> run(decide())).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("01-broken/00-run-chroot.sh");
        assertThat(work.resolve("stage0.done")).as("the stage before it is done").exists();
        assertThat(work.resolve("stage1.done")).doesNotExist();
        assertThat(image("stage1")).as("it has no image: its last layer is not flattened").doesNotExist();
        assertThat(checkpoint("stage1", 0, "00-user")).as("the substage before it is kept as a checkpoint").exists();
        assertThat(attacher.held()).isZero();
        assertThat(exporter.calls).isEmpty();
        assertThat(work.resolve("stage1.export-image")).doesNotExist();
    }

    @Test
    void anEditOfAStagesLastSubstageRerunsOnlyThatSubstageOnTheCheckpointBeforeIt() throws Exception {
        file("stages/stage1/01-more/00-run-chroot.sh", "echo more\n");
        run(decide());
        Path userLayer = checkpoint("stage1", 0, "00-user");
        assertThat(commandsOf("qemu-img")).extracting(argv -> argv.get(1)).containsExactly("create", "create", "create", "rebase");
        assertThat(commandsOf("qemu-img").get(3)).as("the stage image: its last layer made whole on stage0's")
                .containsSubsequence("-b", image("stage0").toString(), "-F", "qcow2", checkpoint("stage1", 1, "01-more").toString());
        assertThat(image("stage1")).exists();
        assertThat(userLayer).exists();
        assertThat(checkpoint("stage1", 1, "01-more")).as("the last layer is the image now").doesNotExist();
        assertThat(Files.getPosixFilePermissions(image("stage1"))).isEqualTo(PosixFilePermissions.fromString("r--------"));

        runner = new RecordingRunner(this::answer);
        file("stages/stage1/01-more/00-run-chroot.sh", "echo more, edited\n");
        List<StageDecision> decisions = decide();
        assertThat(decisions.get(1).reason()).isEqualTo(
                "01-more/00-run-chroot.sh changed; it resumes at 01-more (the checkpoint after 00-user holds)");
        run(decisions);
        assertThat(commandsOf("qemu-img").get(0)).as("one layer, on the checkpoint")
                .containsSubsequence("-b", userLayer.toString(), checkpoint("stage1", 1, "01-more").toString());
        assertThat(scripts()).as("only the edited substage runs")
                .anyMatch(script -> script.contains("01-more/")).noneMatch(script -> script.contains("00-user/"));
        assertThat(Files.readString(work.resolve("build.log")))
                .contains("resumed at 01-more: the checkpoints of 00-user hold, so they do not run again");

        runner = new RecordingRunner(this::answer);
        file("stages/stage1/00-user/00-run-chroot.sh", "echo another user\n");
        assertThat(decide().get(1).reason()).as("an edit before it: no checkpoint holds").doesNotContain("resumes");
        run(decide());
        assertThat(scripts()).anyMatch(script -> script.contains("00-user/")).anyMatch(script -> script.contains("01-more/"));
    }

    private Path checkpoint(String stage, int index, String segment) {
        return work.resolve("checkpoints").resolve(stage).resolve(stage + "." + index + "-" + segment + ".qcow2");
    }

    /** The scripts the steps of the last run were fed (their paths). */
    private List<String> scripts() {
        return runner.commands().stream().filter(c -> c.stdin() != null).map(c -> c.stdin().toString()).toList();
    }

    @Test
    void anInterruptedBuildStartsNoStepAndSealsNothing() throws Exception {
        cancellation.cancel();

        assertThatThrownBy(() -> run(decide())).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("interrupted");
        assertThat(runner.commands()).extracting(c -> c.argv().get(0)).as("no step ran").doesNotContain("unshare");
        assertThat(work.resolve("stage0.done")).doesNotExist();
        assertThat(attacher.held()).isZero();
        assertThat(exporter.calls).isEmpty();
    }

    /** An EXPORT_IMAGE exporter that notes what it was handed and deploys one file. */
    private final class FakeExporter implements Exporter {
        record Call(String stage, Path image, boolean sealed, int attachedWhileExporting) {
        }

        final List<Call> calls = new ArrayList<>();
        final List<List<Path>> checked = new ArrayList<>();
        boolean bootFails;
        Path deployed;

        @Override
        public void bootCheck(Stage stage, List<Path> files) throws StepFailedException {
            checked.add(List.copyOf(files));
            if (bootFails) {
                throw new StepFailedException(stage.name(), "boot check (BOOT_TEST=1)", "failed: login", work.resolve("build.log"));
            }
        }

        @Override
        public String kind() {
            return "image";
        }

        @Override
        public Optional<ExportRequest> request(Stage stage) {
            return stage.export();
        }

        @Override
        public List<Path> export(Stage stage, Path stageImage, Map<String, String> environment, String exportKey) {
            try {
                boolean sealed = Files.getPosixFilePermissions(stageImage).equals(PosixFilePermissions.fromString("r--------"))
                        && Files.exists(work.resolve(stage.name() + ".done"));
                calls.add(new Call(stage.name(), stageImage, sealed, attacher.held()));
                deployed = Files.createDirectories(base.resolve("deploy")).resolve(stage.name() + ".img");
                Files.writeString(deployed, "image of " + stage.name());
                return List.of(deployed);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
