package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.io.file.PathUtils;

import io.strata.cache.PackageCache;
import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.disk.ReleaseException;
import io.strata.engine.Exporter;
import io.strata.engine.StepFailedException;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.plan.ExportRequest;
import io.strata.plan.Stage;
import io.strata.reuse.Digests;
import io.strata.reuse.ImageIdentity;

/**
 * A stage's EXPORT_LIVE: live media from the sealed stage, as the vmdebootstrap and livemedia-creator
 * seeds make them. A qcow2 overlay of the stage image gets live-boot and the live user (LIVE_USER),
 * then its root becomes filesystem.squashfs; the kernel and initrd are copied out; a PC target also
 * gets a hybrid ISO that boots by BIOS and UEFI. The overlay is thrown away, unless mksquashfs fails:
 * then it is kept for a look, and the export fails saying where it is.
 */
public final class LiveExporter implements Exporter {

    private final ExportParts parts;
    private final BuildConfig config;
    private final ProcessRunner runner;
    private final BootTest bootTest;

    public LiveExporter(ExportParts parts) {
        this.parts = parts;
        this.config = parts.context().config();
        this.runner = parts.disk().runner();
        this.bootTest = new BootTest(parts);
    }

    @Override
    public String kind() {
        return "live";
    }

    @Override
    public Optional<ExportRequest> request(Stage stage) {
        return stage.liveExport();
    }

    @Override
    public List<Path> export(Stage stage, Path stageImage, Map<String, String> environment, String identity)
            throws StepFailedException, InterruptedException {
        try {
            String suffix = ExportSuffix.read(runner, stage.liveExport().orElseThrow().file(), environment);
            LiveNames names = LiveNames.of(config.imgDate(), config.imgName(), suffix);
            Path dir = ExportWorkspace.freshDirectory(parts.context().layout().exportDir().resolve(stage.name() + "-live"));
            Path media = Files.createDirectories(dir.resolve("media"));
            Path grub = Files.createDirectories(dir.resolve("grub"));
            ExportWorkspace.SystemContent content = prepare(stageImage, environment, dir, media, grub, identity);
            Map<String, Path> built = new LinkedHashMap<>();
            if (!config.targetRaspi()) {
                Files.writeString(media.resolve("boot/grub/grub.cfg"), HybridIso.grubConfig(config.imgName() + " (live)"));
                Path iso = dir.resolve(names.iso());
                new HybridIso(runner, config.sourceDate(), DiskIds.derivedFrom(identity).bootVolumeId()).write(media, grub, iso);
                built.put(names.iso(), iso);
            }
            built.put(names.squashfs(), media.resolve("live/filesystem.squashfs"));
            built.put(names.kernel(), media.resolve("live/vmlinuz"));
            built.put(names.initrd(), media.resolve("live/initrd.img"));
            List<Path> deployed = deploy(stage, names, built, content, identity);
            PathUtils.deleteDirectory(dir);
            parts.context().log().note("exported " + stage.name() + " as live media: " + deployed.get(0));
            return deployed;
        } catch (CommandFailedException e) {
            throw parts.failure(stage.name(), "live export", e);
        } catch (IOException | BadInputException | ReleaseException | Squashfs.FailedException e) {
            throw parts.failure(stage.name(), "live export", e);
        }
    }

    /** The live system in an overlay of the stage: prepared, squashed, its kernel and GRUB pieces copied out. */
    private ExportWorkspace.SystemContent prepare(Path stageImage, Map<String, String> environment, Path dir, Path media,
            Path grub, String identity) throws IOException, CommandFailedException, InterruptedException, ReleaseException,
            StepFailedException, Squashfs.FailedException {
        try (ExportWorkspace workspace = ExportWorkspace.open(parts, dir, stageImage)) {
            Path rootfs = workspace.rootfs();
            Map<String, String> env = new LinkedHashMap<>(environment);
            env.put("ROOTFS_DIR", rootfs.toString());
            // live-tools (a live-boot Recommends) diverts update-initramfs itself, which clashes with the
            // stage's deferral: here the initramfs is built by the install's own trigger, once.
            env.put("STRATA_DEFER_INITRAMFS", "0");
            env.put("STRATA_PASSWORD_SALT", ImageIdentity.passwordSalt(identity)); // the live user's
            workspace.run(env, parts.context().tools().livePrepare());
            env = PackageCache.without(env); // export-clean.sh empties apt's cache: never the shared one
            workspace.run(env, parts.context().tools().exportClean());
            workspace.tidy(env);
            workspace.clampTimes(config.sourceDate());
            ExportWorkspace.SystemContent content = workspace.content();
            String kernel = InstalledSystem.newestKernel(rootfs)
                    .orElseThrow(() -> new IOException("the stage holds no kernel (/lib/modules is empty): live media "
                            + "need one; install linux-image-* in a stage (stage1 does)"));
            Path live = Files.createDirectories(media.resolve("live"));
            copyOut(rootfs.resolve("boot/vmlinuz-" + kernel), live.resolve("vmlinuz"));
            copyOut(rootfs.resolve("boot/initrd.img-" + kernel), live.resolve("initrd.img"));
            try {
                Squashfs.write(runner, rootfs, live.resolve("filesystem.squashfs"),
                        config.squashfsCompression(), config.sourceDate());
            } catch (Squashfs.FailedException e) {
                workspace.keepOverlay();
                throw new Squashfs.FailedException(e.getMessage() + "; the export's input is kept in " + workspace.overlay()
                        + " (a qcow2 overlay of the stage image: ./imagetool --mount it to look, delete it when done)");
            }
            if (!config.targetRaspi()) {
                String marker = "/.strata-live-" + DiskIds.derivedUuid("live marker", identity);
                Files.writeString(media.resolve(marker.substring(1)), "Strata live medium\n");
                env.put("LIVE_MARKER", marker);
                workspace.run(env, parts.context().tools().liveBoot());
                PathUtils.copyDirectory(rootfs.resolve("var/tmp/strata-live"), grub);
                Files.createDirectories(media.resolve("boot/grub"));
            }
            return content;
        }
    }

    /** A PC's hybrid ISO boots; a Pi's live media have no image to boot in QEMU, and are not checked. */
    @Override
    public void bootCheck(Stage stage, List<Path> deployed) throws StepFailedException, InterruptedException {
        if (config.targetRaspi()) {
            parts.context().log().note("no boot check of " + stage.name() + "'s live media: a Raspberry Pi's have no image QEMU boots");
            return;
        }
        bootTest.check(stage, deployed.get(0));
    }

    private static void copyOut(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            throw new IOException(from.getFileName() + " is missing from the stage's /boot: live-boot's initramfs "
                    + "and the kernel must both be there");
        }
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Each file into DEPLOY_DIR under a hidden name, renamed when whole; then the checksums, the .live.info and the SBOM. */
    private List<Path> deploy(Stage stage, LiveNames names, Map<String, Path> built, ExportWorkspace.SystemContent content,
            String identity)
            throws IOException {
        Path deployDir = Files.createDirectories(config.deployDir());
        List<Path> deployed = new ArrayList<>();
        Map<String, String> sums = new LinkedHashMap<>();
        StringBuilder checksums = new StringBuilder();
        for (Map.Entry<String, Path> file : built.entrySet()) {
            Path target = deployDir.resolve(file.getKey());
            Path partial = deployDir.resolve("." + file.getKey() + ".partial");
            Files.move(file.getValue(), partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String sha = Digests.ofFile(target);
            sums.put(file.getKey(), sha);
            checksums.append(sha).append("  ").append(file.getKey()).append('\n');
            deployed.add(target);
        }
        Path sumsFile = deployDir.resolve(names.checksums());
        Deployer.writeAtomically(sumsFile, checksums.toString());
        Path info = deployDir.resolve(names.info());
        Instant now = config.sourceDate();
        Deployer.writeAtomically(info, ImageInfo.renderLive(config, stage.name(), sums, content.kernels(),
                InstalledSystem.infoLines(content.packages()), parts.strataVersion(), now));
        Path sbom = deployDir.resolve(names.sbom());
        Deployer.writeAtomically(sbom, Sbom.render(names.baseName(),
                config.release().codename(), content.packages(), parts.strataVersion(), now,
                DiskIds.derivedUuid("spdx namespace", identity)));
        deployed.add(sumsFile);
        deployed.add(info);
        deployed.add(sbom);
        return deployed;
    }
}
