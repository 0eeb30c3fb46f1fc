package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.SecretMasker;
import io.strata.exec.Command;
import io.strata.plan.Stage;
import io.strata.plan.Step;
import io.strata.testing.RecordingRunner;

/** Which commands a step becomes, and how its failure reads, with a runner that records and answers. */
class StepRunnerTest {

    private static final String SECRET = "Pass-Word-42";

    @TempDir
    Path dir;
    private StageContext stage;
    private BuildLog log;

    @BeforeEach
    void aStage() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/tmp"));
        stage = new StageContext(new Stage("stage2", dir.resolve("stages/stage2"), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty()), rootfs.getParent(),
                Files.createDirectories(dir.resolve("work/stage2")), Map.of(), AptArchives.lease(Optional.empty(), "test"));
        log = BuildLog.open(dir.resolve("build.log"), new SecretMasker(List.of(SECRET)), new PrintStream(PrintStream.nullOutputStream()));
    }

    private StepRunner steps(RecordingRunner runner, boolean interactive) {
        Terminal terminal = new Terminal() {
            @Override
            public boolean interactive() {
                return interactive;
            }

            @Override
            public void shell(Command command) {
                throw new AssertionError("no shell in a unit test: " + command.display());
            }
        };
        RunTools tools = io.strata.testing.TestTools.in(dir);
        return new StepRunner(runner, tools, log, new SecretMasker(List.of(SECRET)), terminal);
    }

    /** A command's argv after the chroot's entry (unshare ... chroot-enter.sh ROOTFS). */
    private List<String> inChroot(Command command) {
        List<String> argv = command.argv();
        int root = argv.indexOf(stage.rootfs().toString());
        assertThat(argv.subList(0, root)).as("run through chroot-enter.sh in its own mount namespace")
                .containsExactly("unshare", "--mount", "--propagation", "private", "--", dir.resolve("chroot-enter.sh").toString());
        return argv.subList(root + 1, argv.size());
    }

    @Test
    void aPackageListIsOneAptInstallAfterAnUpdateWhenTheImageHasNoListsYet() throws Exception {
        Path packages = Files.writeString(dir.resolve("00-packages-nr"), "# tools\nvim less\n\ncurl\n");
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, 0));
        steps(runner, false).run(new Step.InstallPackages(packages, false), stage, Map.of("A", "1"), dir, "00-tools/00-packages-nr");
        assertThat(runner.commands()).hasSize(2);
        assertThat(inChroot(runner.commands().get(0))).containsExactly("apt-get", "-q", "-o", "Acquire::Retries=3", "update");
        assertThat(inChroot(runner.commands().get(1))).containsExactly("apt-get", "-q", "-y", "-o", "Acquire::Retries=3",
                "-o", "Dpkg::Use-Pty=0", "install", "--no-install-recommends", "vim", "less", "curl");
        assertThat(runner.commands().get(1).env()).containsEntry("A", "1");

        Files.createDirectories(stage.rootfs().resolve("var/lib/apt/lists"));
        Files.writeString(stage.rootfs().resolve("var/lib/apt/lists/deb.debian.org_debian_dists_trixie_main_binary-amd64_Packages"), "");
        RecordingRunner again = new RecordingRunner(c -> RecordingRunner.result(c, 0));
        steps(again, false).run(new Step.InstallPackages(packages, true), stage, Map.of(), dir, "00-tools/00-packages");
        assertThat(again.commands()).hasSize(1);
        assertThat(inChroot(again.commands().get(0))).doesNotContain("--no-install-recommends").endsWith("install", "vim", "less", "curl");
    }

    @Test
    void anEmptyPackageListRunsNothing() throws Exception {
        Path packages = Files.writeString(dir.resolve("00-packages"), "# nothing yet\n");
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, 0));
        steps(runner, false).run(new Step.InstallPackages(packages, true), stage, Map.of(), dir, "00-x/00-packages");
        assertThat(runner.commands()).isEmpty();
        assertThat(Files.readString(log.path())).contains("lists no packages");
    }

    @Test
    void aFailedChrootScriptNamesTheStageAndStepWithItsLastLinesMasked() throws Exception {
        Path script = Files.writeString(dir.resolve("00-run-chroot.sh"), "false\n");
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, 7, "setting the password " + SECRET, "oops"));
        assertThatThrownBy(() -> steps(runner, false).run(new Step.RunChrootScript(script), stage, Map.of(), dir,
                "01-user/00-run-chroot.sh"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("stage stage2, 01-user/00-run-chroot.sh failed with exit code 7")
                .hasMessageContaining("oops").hasMessageNotContaining(SECRET)
                .hasMessageContaining("The full log is " + log.path());
        Command command = runner.commands().get(0);
        assertThat(inChroot(command)).containsExactly("/bin/bash", "-e");
        assertThat(command.stdin()).isEqualTo(script);
    }

    @Test
    void patchesAskingForAShellWithoutATerminalAreRefusedBeforeQuiltPushes() throws Exception {
        Path patches = Files.createDirectories(dir.resolve("stages/stage2/00-fix/00-patches"));
        Files.writeString(patches.resolve("EDIT"), "");
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, 0));
        assertThatThrownBy(() -> steps(runner, false).run(new Step.ApplyPatches(patches), stage, Map.of(), dir, "00-fix/00-patches"))
                .isInstanceOf(StepFailedException.class).hasMessageContaining("asks for a shell to edit the patches")
                .hasMessageContaining("remove the EDIT file");
        assertThat(runner.commands()).extracting(Command::program).doesNotContain("quilt push");
        assertThat(runner.commands()).noneMatch(c -> c.argv().equals(List.of("quilt", "push", "-a")));
    }

    @Test
    void quiltsNothingToPushIsNoFailure() throws Exception {
        Path patches = Files.createDirectories(dir.resolve("stages/stage2/00-fix/00-patches"));
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.result(c, c.argv().contains("push") ? 2 : 0));
        steps(runner, false).run(new Step.ApplyPatches(patches), stage, Map.of(), dir, "00-fix/00-patches");
        assertThat(runner.commands()).anyMatch(c -> c.argv().equals(List.of("quilt", "push", "-a"))
                && c.env().get("QUILT_PATCHES").equals(patches.toString()) && c.workingDirectory().equals(Optional.of(stage.stageWorkDir())));
    }

    @Test
    void onlyAnEmulatedTargetsPackageStepRunsUpdateCaCertificatesOnTheHost() {
        String emulated = io.strata.host.Binfmt.isNative(io.strata.config.Arch.ARM64) ? "amd64" : "arm64";
        String host = emulated.equals("arm64") ? "amd64" : "arm64";
        assertThat(StepRunner.packageStepEnvironment(Map.of("ARCH", emulated)))
                .containsEntry(StepRunner.HOST_CA_CERTIFICATES, "1").containsEntry("ARCH", emulated);
        assertThat(StepRunner.packageStepEnvironment(Map.of("ARCH", host))).doesNotContainKey(StepRunner.HOST_CA_CERTIFICATES);
        assertThat(StepRunner.packageStepEnvironment(Map.of())).doesNotContainKey(StepRunner.HOST_CA_CERTIFICATES);
    }
}
