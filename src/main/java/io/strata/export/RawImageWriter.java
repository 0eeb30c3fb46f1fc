package io.strata.export;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * Writes a raw disk image without a loop device or a mount: sfdisk writes the MBR into the file,
 * mkfs.vfat and mtools fill the boot partition at its offset, mkfs.ext4 -d fills the root
 * partition from a directory, and GRUB's boot sectors are copied in for a PC.
 */
final class RawImageWriter {

    private static final int MBR_BOOT_CODE = 440;

    private final ProcessRunner runner;

    RawImageWriter(ProcessRunner runner) {
        this.runner = runner;
    }

    /** A sparse file of the layout's size holding the partition table. */
    void create(Path image, ImageLayout layout, DiskIds ids, String bootFsType, Path workDir)
            throws IOException, CommandFailedException, InterruptedException {
        Files.deleteIfExists(image);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(layout.totalSize());
        }
        Path script = workDir.resolve("partitions.sfdisk");
        Files.writeString(script, PartitionTable.sfdiskScript(layout, ids, bootFsType));
        runner.check(Command.of("sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", image.toString())
                .withStdin(script));
    }

    /** The boot partition: FAT32 through mtools, or an ext file system filled from {@code tree}. */
    void writeBoot(Path image, ImageLayout layout, DiskIds ids, String fsType, Path tree)
            throws IOException, CommandFailedException, InterruptedException {
        if (!"vfat".equals(fsType)) {
            writeExt(image, layout.bootStart(), layout.bootSize(), fsType, "bootfs", null, tree);
            return;
        }
        runner.check(Command.of("mkfs.vfat", "-F", "32", "-n", "BOOTFS", "-i", ids.bootVolumeId(),
                "--offset", Long.toString(layout.bootStartSector()), image.toString(),
                Long.toString(layout.bootSize() / 1024)));
        List<String> entries;
        try (Stream<Path> files = Files.list(tree)) {
            entries = files.map(Path::toString).sorted().toList();
        }
        if (entries.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("mcopy", "-s", "-p", "-m", "-Q",
                "-i", image + "@@" + layout.bootStart()));
        argv.addAll(entries);
        argv.add("::/");
        runner.check(Command.of(argv).withEnv(Map.of("MTOOLS_SKIP_CHECK", "1")));
    }

    /** The root partition: ext4 with {@code uuid}, filled from {@code tree}. */
    void writeRoot(Path image, ImageLayout layout, DiskIds ids, Path tree) throws CommandFailedException, InterruptedException {
        writeExt(image, layout.rootStart(), layout.rootSize(), "ext4", "rootfs", ids.rootFsUuid().toString(), tree);
    }

    private void writeExt(Path image, long offset, long size, String type, String label, String uuid, Path tree)
            throws CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("mkfs." + type, "-q", "-F", "-L", label));
        if (uuid != null) {
            argv.addAll(List.of("-U", uuid));
        }
        argv.addAll(List.of("-E", "offset=" + offset, "-d", tree.toString(), image.toString(), size / 1024 + "k"));
        runner.check(Command.of(argv));
    }

    /** GRUB for BIOS: boot.img's code into the MBR (the partition table stays), core.img right after it. */
    void writeBiosBootloader(Path image, ImageLayout layout, Path bootImg, Path coreImg) throws IOException {
        byte[] boot = Files.readAllBytes(bootImg);
        byte[] core = Files.readAllBytes(coreImg);
        if (boot.length != ImageLayout.SECTOR) {
            throw new IOException(bootImg + " is " + boot.length + " bytes, not one 512-byte sector");
        }
        if (core.length > layout.bootStart() - ImageLayout.SECTOR) {
            throw new IOException(coreImg + " (" + core.length + " bytes) does not fit before the first partition");
        }
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.seek(0);
            file.write(boot, 0, MBR_BOOT_CODE);
            file.seek(ImageLayout.SECTOR);
            file.write(core);
        }
    }
}
