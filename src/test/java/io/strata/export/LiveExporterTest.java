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
 * The live export's decisions, with a runner that records and answers and an overlay whose mount
 * shows a small installed system: live-boot is installed with the shared package cache and the
 * initramfs built by its own trigger, the cache is out of the clean-up's reach, a Pi target gets its
 * squashfs, kernel and initrd without an ISO, and a failed mksquashfs keeps the overlay and says where.
 */
class LiveExporterTest {

    private static final String KERNEL = "6.12.117+deb13-arm64";

    @TempDir
    Path base;
    private ExportFixture fixture;
    private Path work;
    private boolean squashfsFails;

    @BeforeEach
    void aSealedStage() throws IOException {
        fixture = new ExportFixture(base, "live");
        work = fixture.work;
        Files.writeString(base.resolve("EXPORT_LIVE"), "IMG_SUFFIX=-live\n");
    }

    @AfterEach
    void closeTheLog() throws IOException {
        fixture.close();
    }

    /** The suffix; a mounted overlay with one package and one kernel; mksquashfs writes 2 MiB unless told to fail. */
    private CommandResult answer(Command command) {
        List<String> argv = command.argv();
        String last = argv.get(argv.size() - 1);
        if (argv.get(0).equals("bash") && argv.contains("export-image")) {
            return RecordingRunner.result(command, 0, "-live");
        }
        if (argv.contains("mount") && last.endsWith("/rootfs")) {
            Path rootfs = Path.of(last);
            ExportFixture.file(rootfs.resolve("var/lib/dpkg/status"),
                    "Package: live-boot\nStatus: install ok installed\nArchitecture: all\nVersion: 1:20250225\n");
            ExportFixture.file(rootfs.resolve("lib/modules/" + KERNEL + "/modules.dep"), "");
            ExportFixture.file(rootfs.resolve("boot/vmlinuz-" + KERNEL), "kernel");
            ExportFixture.file(rootfs.resolve("boot/initrd.img-" + KERNEL), "initrd");
        }
        if (argv.get(0).equals("qemu-img")) {
            ExportFixture.file(Path.of(last), "overlay");
        }
        if (argv.get(0).equals("mksquashfs")) {
            if (squashfsFails) {
                return RecordingRunner.result(command, 1, "FATAL ERROR: Failed to write to output filesystem");
            }
            ExportFixture.file(Path.of(argv.get(2)), "s".repeat(2 << 20));
        }
        return RecordingRunner.result(command, 0);
    }

    private LiveExporter exporter(RecordingRunner runner) throws Exception {
        return new LiveExporter(fixture.parts(runner, Map.of("TARGET_RASPI", "1", "TARGET_ARCH", "arm64")));
    }

    private Stage stage() {
        return new Stage("live", base, Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.of(new ExportRequest(base.resolve("EXPORT_LIVE"), Optional.empty())), List.of(), Optional.empty());
    }

    @Test
    void aPiLiveExportInstallsLiveBootWithTheCacheAndDeploysItsSquashfsKernelAndInitrdWithoutAnIso() throws Exception {
        RecordingRunner runner = new RecordingRunner(this::answer);
        Path deploy = base.resolve("deploy");

        List<Path> deployed = exporter(runner).export(stage(), fixture.stageImage, Map.of(PackageCache.CACHE, "/var/cache/strata/packages"), "key");

        List<Command> scripts = ExportFixture.scripts(runner);
        assertThat(scripts).extracting(Command::stdin).as("prepare, clean, tidy; no live-boot GRUB pieces for a Pi")
                .containsExactly(fixture.tools.livePrepare(), fixture.tools.exportClean(), null);
        assertThat(scripts.get(0).env()).containsEntry(PackageCache.CACHE, "/var/cache/strata/packages")
                .containsEntry("STRATA_DEFER_INITRAMFS", "0");
        assertThat(scripts.get(1).env()).as("the clean-up never empties the shared cache").doesNotContainKey(PackageCache.CACHE);

        String baseName = "image_2026-11-22-t-live";
        assertThat(deployed).containsExactly(deploy.resolve(baseName + ".squashfs"), deploy.resolve(baseName + ".vmlinuz"),
                deploy.resolve(baseName + ".initrd.img"), deploy.resolve(baseName + ".live.sha256"),
                deploy.resolve(baseName + ".live.info"), deploy.resolve(baseName + ".spdx.json"));
        assertThat(deploy.resolve(baseName + ".vmlinuz")).hasContent("kernel");
        assertThat(Files.readString(deploy.resolve(baseName + ".live.sha256")))
                .contains("  " + baseName + ".squashfs\n", "  " + baseName + ".initrd.img\n").doesNotContain(".iso");
        assertThat(Files.readString(deploy.resolve(baseName + ".live.info"))).contains(KERNEL, "live-boot");
        try (var left = Files.list(deploy)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
        }
        assertThat(work.resolve("export/live-live")).as("the export's work is gone").doesNotExist();
        assertThat(fixture.attacher.held()).isZero();
    }

    @Test
    void aFailedMksquashfsKeepsTheOverlayAndSaysWhereItIs() throws Exception {
        squashfsFails = true;
        RecordingRunner runner = new RecordingRunner(this::answer);

        Path overlay = work.resolve("export/live-live/export-overlay.qcow2");
        assertThatThrownBy(() -> exporter(runner).export(stage(), fixture.stageImage, Map.of(), "key"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("mksquashfs failed (exit 1): FATAL ERROR: Failed to write to output filesystem")
                .hasMessageContaining("the export's input is kept in " + overlay);
        assertThat(overlay).exists();
        assertThat(fixture.attacher.held()).as("kept, but not attached").isZero();
        assertThat(base.resolve("deploy")).doesNotExist();
    }
}
