package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.io.FileUtils;
import org.apache.commons.io.file.PathUtils;

import io.strata.cache.LockedPackages;
import io.strata.cache.PackageCache;
import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.disk.ReleaseException;
import io.strata.engine.Exporter;
import io.strata.engine.StepFailedException;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.flash.Bmap;
import io.strata.plan.ExportRequest;
import io.strata.plan.Stage;

/**
 * pi-gen's export-image for a sealed stage: a qcow2 overlay of the stage image is prepared for
 * deployment (fstab and bootloader by PARTUUID, apt for the final mirror, no caches, no host keys,
 * no machine-id), then written into a raw MBR image, packed into the deploy directory with its
 * .sha256, .info, block map (.bmap) and SBOM (.spdx.json). The overlay is thrown away; the stage image is never written.
 */
public final class ImageExporter implements Exporter {

    /** pi-gen's boot partition size since bookworm. */
    static final long BOOT_PARTITION_SIZE = 512L << 20;

    private final ExportParts parts;
    private final BuildConfig config;
    private final ProcessRunner runner;
    private final Deployer deployer;
    private final BootTest bootTest;

    public ImageExporter(ExportParts parts) {
        this.parts = parts;
        this.config = parts.context().config();
        this.runner = parts.disk().runner();
        this.deployer = new Deployer(runner);
        this.bootTest = new BootTest(parts);
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
    public List<Path> export(Stage stage, Path stageImage, Map<String, String> environment, String identity)
            throws StepFailedException, InterruptedException {
        try {
            String suffix = ExportSuffix.forImage(ExportSuffix.read(runner, stage.export().orElseThrow().file(), environment),
                    config.useQemu());
            DeployNames names = DeployNames.of(config.imgDate(), config.imgName(), suffix, config.compression());
            Path dir = ExportWorkspace.freshDirectory(parts.context().layout().exportDir().resolve(stage.name()));
            Path image = dir.resolve(names.image());
            ExportWorkspace.SystemContent content = writeImage(stageImage, environment, dir, image, DiskIds.derivedFrom(identity));
            long rawSize = Files.size(image);
            Files.setLastModifiedTime(image, FileTime.from(config.sourceDate())); // the zip entry's time
            Path deployDir = config.deployDir();
            Path bmap = dir.resolve(names.bmap());
            Bmap.create(runner, image, bmap);
            Deployer.Deployed deployed = deployer.deploy(image, names, config.compressionLevel(), deployDir, dir);
            Path bmapFile = Deployer.place(bmap, deployDir.resolve(names.bmap()));
            Instant built = config.sourceDate();
            String info = ImageInfo.render(config, stage.name(), names, deployed.rawSha256(), rawSize,
                    content.kernels(), InstalledSystem.infoLines(content.packages()), parts.strataVersion(), built);
            Path infoFile = deployDir.resolve(names.info());
            Deployer.writeAtomically(infoFile, info);
            Path lockFile = deployDir.resolve(names.lock());
            Deployer.writeAtomically(lockFile, PackageLock.render(names.image(), config.release().codename(),
                    config.targetArch().debianName(), content.packages(), content.listed()));
            Path sbomFile = deployDir.resolve(names.sbom());
            Deployer.writeAtomically(sbomFile, Sbom.render(names.image(), config.release().codename(),
                    content.packages(), parts.strataVersion(), built, DiskIds.derivedUuid("spdx namespace", identity)));
            PathUtils.deleteDirectory(dir);
            parts.context().log().note("exported " + stage.name() + " to " + deployed.file());
            return List.of(deployed.file(), deployDir.resolve(names.checksum()), infoFile, bmapFile, sbomFile, lockFile);
        } catch (CommandFailedException e) {
            throw parts.failure(stage.name(), "export", e);
        } catch (IOException | BadInputException | ReleaseException e) {
            throw parts.failure(stage.name(), "export", e);
        }
    }

    private ExportWorkspace.SystemContent writeImage(Path stageImage, Map<String, String> environment, Path dir, Path image,
            DiskIds ids) throws IOException, CommandFailedException, InterruptedException, ReleaseException, StepFailedException,
            BadInputException {
        String bootDir = config.bootDir();
        String bootFsType = config.bootFsType();
        RawImageWriter writer = new RawImageWriter(runner, config.sourceDate());
        try (ExportWorkspace workspace = ExportWorkspace.open(parts, dir, stageImage)) {
            Path rootfs = workspace.rootfs();
            // export-prepare.sh cleans apt's cache: it must not reach the shared one
            Map<String, String> env = PackageCache.without(environment);
            env.put("BOOT_PARTUUID", ids.bootPartUuid());
            env.put("ROOT_PARTUUID", ids.rootPartUuid());
            env.put("ROOT_FS_UUID", ids.rootFsUuid().toString());
            env.put("BOOT_DIR", bootDir);
            env.put("ROOTFS_DIR", rootfs.toString());
            if (config.readOnlyRoot().enabled()) {
                // tmpfs takes k, m or g, not the MiB or spaces ROOTFS_RO_OVERLAY_TMPFS_SIZE may hold.
                env.put("STRATA_RO_OVERLAY_SIZE", config.readOnlyRoot().overlayKib() + "k");
            }
            workspace.run(env, parts.context().tools().exportPrepare());
            Map<String, io.strata.cache.LockedPackage> listed = PackageLock.read(rootfs.resolve("var/lib/apt/lists")); // clean removes them
            if (config.packageLock().isPresent()) {
                listed = PackageLock.withLocked(listed, LockedPackages.read(config.packageLock().get(), "PACKAGE_LOCK").packages());
            }
            workspace.run(env, parts.context().tools().exportClean());
            workspace.tidy(env);
            workspace.clampTimes(config.sourceDate());
            ExportWorkspace.SystemContent content = workspace.content().withListed(listed);

            Path bootTree = rootfs.resolve(bootDir.substring(1));
            Files.createDirectories(bootTree);
            long bootContent = diskUsage(bootTree);
            if (bootContent > BOOT_PARTITION_SIZE * 9 / 10) {
                throw new IOException(bootDir + " holds " + (bootContent >> 20) + " MiB, more than the "
                        + (BOOT_PARTITION_SIZE >> 20) + " MiB boot partition can take");
            }
            ImageLayout imageLayout = ImageLayout.forContent(diskUsage(rootfs) - bootContent, BOOT_PARTITION_SIZE);
            writer.create(image, imageLayout, ids, bootFsType, dir);
            writer.writeBoot(image, imageLayout, ids, bootFsType, bootTree, dir);
            emptyDirectory(bootTree); // the boot partition's mount point in the root
            writer.writeRoot(image, imageLayout, ids, rootfs, dir);
            if (!config.targetRaspi()) {
                Path grub = rootfs.resolve("boot/grub/i386-pc");
                writer.writeBiosBootloader(image, imageLayout, grub.resolve("boot.img"), grub.resolve("core.img"));
            }
            return content;
        }
    }

    /** The raw image (compressed or not) is what boots. */
    @Override
    public void bootCheck(Stage stage, List<Path> deployed) throws StepFailedException, InterruptedException {
        bootTest.check(stage, deployed.get(0));
    }

    /** Removes everything in {@code dir} (its subdirectories too) and dates it at the source date again. */
    private void emptyDirectory(Path dir) throws IOException {
        FileUtils.cleanDirectory(dir.toFile()); // unlike PathUtils.cleanDirectory, it removes the subdirectories too
        Files.setLastModifiedTime(dir, FileTime.from(config.sourceDate()));
    }

    private long diskUsage(Path dir) throws CommandFailedException, InterruptedException {
        String out = runner.output(Command.of("du", "-s", "-x", "-B1", dir.toString()));
        return Long.parseLong(out.split("\\s+")[0]);
    }
}
