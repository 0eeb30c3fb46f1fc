package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
import io.strata.engine.StepFailedException;
import io.strata.exec.Command;
import io.strata.exec.CommandResult;
import io.strata.plan.ExportRequest;
import io.strata.plan.Stage;
import io.strata.testing.RecordingRunner;

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
    private ExportFixture fixture;
    private Path work;
    private long bootTreeBytes;

    @BeforeEach
    void aSealedStage() throws IOException {
        fixture = new ExportFixture(base, "stage2");
        work = fixture.work;
        Files.writeString(base.resolve("EXPORT_IMAGE"), "IMG_SUFFIX=-lite\n");
    }

    @AfterEach
    void closeTheLog() throws IOException {
        fixture.close();
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
            ExportFixture.file(Path.of(argv.get(argv.size() - 1), "var/lib/dpkg/status"),
                    "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 13.8\n");
        }
        if (argv.get(0).equals("qemu-img")) {
            ExportFixture.file(Path.of(argv.get(argv.size() - 1)), "overlay");
        }
        return RecordingRunner.result(command, 0);
    }

    private ImageExporter exporter(RecordingRunner runner, Map<String, String> values) throws Exception {
        Map<String, String> pc = new java.util.HashMap<>(Map.of("TARGET_RASPI", "0", "TARGET_ARCH", "amd64"));
        pc.putAll(values);
        return new ImageExporter(fixture.parts(runner, pc));
    }

    private Stage stage() {
        return new Stage("stage2", base, Optional.empty(), Optional.empty(), List.of(),
                Optional.of(new ExportRequest(base.resolve("EXPORT_IMAGE"), Optional.empty())), Optional.empty(), List.of(),
                Optional.empty());
    }

    @Test
    void theOverlayOnTheStageIsPreparedCleanedAndTidiedThenABootTreeTooBigStopsItBeforeAnyImage() throws Exception {
        bootTreeBytes = 470 * MIB;
        RecordingRunner runner = new RecordingRunner(this::answer);
        Map<String, String> stageEnv = Map.of(PackageCache.CACHE, "/var/cache/strata/packages", "FIRST_USER_NAME", "pi");

        assertThatThrownBy(() -> exporter(runner, Map.of("ROOTFS_RO", "1", "ROOTFS_RO_OVERLAY_TMPFS_SIZE", "96M"))
                .export(stage(), fixture.stageImage, stageEnv, "key"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("/boot/efi holds 470 MiB, more than the 512 MiB boot partition can take");

        Path overlay = work.resolve("export/stage2/export-overlay.qcow2");
        List<String> create = runner.commands().stream().map(Command::argv).filter(a -> a.get(0).equals("qemu-img"))
                .findFirst().orElseThrow();
        assertThat(create).as("the stage image only backs the overlay")
                .containsSubsequence("-b", fixture.stageImage.toString(), "-F", "qcow2", overlay.toString());
        assertThat(fixture.attacher.attached()).containsExactly(overlay);

        List<Command> scripts = ExportFixture.scripts(runner);
        assertThat(scripts).hasSize(3);
        assertThat(scripts.get(0).stdin()).isEqualTo(fixture.tools.exportPrepare());
        assertThat(scripts.get(1).stdin()).isEqualTo(fixture.tools.exportClean());
        assertThat(scripts.get(2).stdin()).as("the tidy").isNull();
        Map<String, String> env = scripts.get(0).env();
        assertThat(env).containsEntry("FIRST_USER_NAME", "pi").containsEntry("BOOT_DIR", "/boot/efi")
                .containsEntry("STRATA_RO_OVERLAY_SIZE", "98304k").containsKeys("BOOT_PARTUUID", "ROOT_PARTUUID", "ROOT_FS_UUID")
                .as("apt-get clean must not reach the shared cache").doesNotContainKey(PackageCache.CACHE);
        assertThat(env.get("ROOT_PARTUUID")).isNotEqualTo(env.get("BOOT_PARTUUID"));

        assertThat(fixture.attacher.held()).as("released").isZero();
        assertThat(overlay).doesNotExist();
        assertThat(work.resolve("export/stage2/" + DeployNames.of("2026-11-22", "t", "-lite",
                io.strata.config.Compression.ZIP).image())).as("no image was started").doesNotExist();
        assertThat(base.resolve("deploy")).doesNotExist();
    }

    @Test
    void withoutRootfsRoTheScriptsGetNoOverlaySize() throws Exception {
        bootTreeBytes = 600 * MIB;
        RecordingRunner runner = new RecordingRunner(this::answer);

        assertThatThrownBy(() -> exporter(runner, Map.of()).export(stage(), fixture.stageImage, Map.of(), "key")).isInstanceOf(StepFailedException.class);
        assertThat(ExportFixture.scripts(runner).get(0).env()).doesNotContainKey("STRATA_RO_OVERLAY_SIZE");
    }
}
