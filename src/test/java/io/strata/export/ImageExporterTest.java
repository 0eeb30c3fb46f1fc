package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.cache.PackageCache;
import io.strata.config.SecretMasker;
import io.strata.disk.DiskTools;
import io.strata.disk.Ledger;
import io.strata.disk.ResourceScope;
import io.strata.engine.BuildLog;
import io.strata.engine.RunTools;
import io.strata.engine.StepFailedException;
import io.strata.engine.WorkLayout;
import io.strata.exec.Command;
import io.strata.exec.CommandResult;
import io.strata.plan.ExportRequest;
import io.strata.plan.Stage;
import io.strata.testing.FakeAttacher;
import io.strata.testing.RecordingRunner;
import io.strata.testing.TestConfig;

/**
 * What the image export does before it writes an image, with a runner that records and answers:
 * the stage image only backs an overlay; the overlay is prepared, cleaned and tidied in that order,
 * with the partition ids and the read-only overlay's size in the scripts' environment and the shared
 * package cache out of it; a boot tree too big for the boot partition stops it before any image is
 * written, and what it attached and made is gone.
 */
class ImageExporterTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path base;
    private Path work;
    private Path stageImage;
    private RunTools tools;
    private FakeAttacher attacher;
    private BuildLog log;
    private long bootTreeBytes;

    @BeforeEach
    void aSealedStage() throws IOException {
        work = Files.createDirectories(base.resolve("work"));
        stageImage = Files.writeString(work.resolve("image-stage2.qcow2"), "sealed stage");
        Files.writeString(base.resolve("EXPORT_IMAGE"), "IMG_SUFFIX=-lite\n");
        tools = new RunTools(base.resolve("helpers.sh"), base.resolve("chroot-enter.sh"), base.resolve("export-prepare.sh"),
                base.resolve("export-clean.sh"), base.resolve("live-prepare.sh"), base.resolve("live-boot.sh"), base);
        attacher = new FakeAttacher();
        log = BuildLog.open(work.resolve("build.log"), new SecretMasker(List.of()), new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterEach
    void closeTheLog() throws IOException {
        log.close();
    }

    /** The suffix the EXPORT_IMAGE file sets; the mounted overlay's dpkg status; du of the boot tree as {@link #bootTreeBytes}, of the root 900 MiB. */
    private CommandResult answer(Command command) {
        List<String> argv = command.argv();
        if (argv.get(0).equals("bash") && argv.contains("export-image")) {
            return RecordingRunner.result(command, 0, "-lite");
        }
        if (argv.get(0).equals("du")) {
            String dir = argv.get(argv.size() - 1);
            long bytes = dir.endsWith("/boot/efi") ? bootTreeBytes : 900 * MIB;
            return RecordingRunner.result(command, 0, bytes + "\t" + dir);
        }
        if (argv.contains("mount") && argv.get(argv.size() - 1).endsWith("/rootfs")) {
            // what the overlay holds, as the mount shows it: one installed package
            file(Path.of(argv.get(argv.size() - 1), "var/lib/dpkg/status"),
                    "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 13.8\n");
        }
        if (argv.get(0).equals("qemu-img")) {
            file(Path.of(argv.get(argv.size() - 1)), "overlay");
        }
        return RecordingRunner.result(command, 0);
    }

    private static void file(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ImageExporter exporter(RecordingRunner runner, String... pairs) throws Exception {
        ResourceScope scope = new ResourceScope(Ledger.open(work.resolve("ledger")));
        ExportParts parts = new ExportParts(TestConfig.of(Map.of("IMG_NAME", "t", "IMG_DATE", "2026-11-22",
                "BASE_DIR", base.toString(), "WORK_DIR", work.toString(), "DEPLOY_DIR", base.resolve("deploy").toString(),
                "TARGET_RASPI", "0", "TARGET_ARCH", "amd64"), pairs), new WorkLayout(work), new DiskTools(runner), attacher,
                scope, tools, log, "test", null, new PrintWriter(PrintStream.nullOutputStream()));
        return new ImageExporter(parts);
    }

    private Stage stage() {
        return new Stage("stage2", base, Optional.empty(), Optional.empty(), List.of(),
                Optional.of(new ExportRequest(base.resolve("EXPORT_IMAGE"), Optional.empty())), Optional.empty(), List.of(),
                Optional.empty());
    }

    private static List<Command> scripts(RecordingRunner runner) {
        return runner.commands().stream().filter(c -> c.argv().get(0).equals("unshare")).toList();
    }

    @Test
    void theOverlayOnTheStageIsPreparedCleanedAndTidiedThenABootTreeTooBigStopsItBeforeAnyImage() throws Exception {
        bootTreeBytes = 470 * MIB;
        RecordingRunner runner = new RecordingRunner(this::answer);
        Map<String, String> stageEnv = Map.of(PackageCache.CACHE, "/var/cache/strata/packages", "FIRST_USER_NAME", "pi");

        assertThatThrownBy(() -> exporter(runner, "ROOTFS_RO", "1", "ROOTFS_RO_OVERLAY_TMPFS_SIZE", "96M")
                .export(stage(), stageImage, stageEnv))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("/boot/efi holds 470 MiB, more than the 512 MiB boot partition can take");

        Path overlay = work.resolve("export/stage2/export-overlay.qcow2");
        List<String> create = runner.commands().stream().map(Command::argv).filter(a -> a.get(0).equals("qemu-img"))
                .findFirst().orElseThrow();
        assertThat(create).as("the stage image only backs the overlay")
                .containsSubsequence("-b", stageImage.toString(), "-F", "qcow2", overlay.toString());
        assertThat(attacher.attached()).containsExactly(overlay);

        List<Command> scripts = scripts(runner);
        assertThat(scripts).hasSize(3);
        assertThat(scripts.get(0).stdin()).isEqualTo(tools.exportPrepare());
        assertThat(scripts.get(1).stdin()).isEqualTo(tools.exportClean());
        assertThat(scripts.get(2).stdin()).as("the tidy").isNull();
        Map<String, String> env = scripts.get(0).env();
        assertThat(env).containsEntry("FIRST_USER_NAME", "pi").containsEntry("BOOT_DIR", "/boot/efi")
                .containsEntry("STRATA_RO_OVERLAY_SIZE", "98304k").containsKeys("BOOT_PARTUUID", "ROOT_PARTUUID", "ROOT_FS_UUID")
                .as("apt-get clean must not reach the shared cache").doesNotContainKey(PackageCache.CACHE);
        assertThat(env.get("ROOT_PARTUUID")).isNotEqualTo(env.get("BOOT_PARTUUID"));

        assertThat(attacher.held()).as("released").isZero();
        assertThat(overlay).doesNotExist();
        assertThat(work.resolve("export/stage2/" + DeployNames.of("2026-11-22", "t", "-lite",
                io.strata.config.Compression.ZIP).image())).as("no image was started").doesNotExist();
        assertThat(base.resolve("deploy")).doesNotExist();
    }

    @Test
    void withoutRootfsRoTheScriptsGetNoOverlaySize() throws Exception {
        bootTreeBytes = 600 * MIB;
        RecordingRunner runner = new RecordingRunner(this::answer);

        assertThatThrownBy(() -> exporter(runner).export(stage(), stageImage, Map.of())).isInstanceOf(StepFailedException.class);
        assertThat(scripts(runner).get(0).env()).doesNotContainKey("STRATA_RO_OVERLAY_SIZE");
    }
}
