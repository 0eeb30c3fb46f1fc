package io.strata.export;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * Writes a raw disk image without a loop device or a mount: sfdisk writes the MBR into the file,
 * mkfs.vfat and mtools fill the boot partition at its offset, mkfs.ext4 -d fills the root
 * partition from a directory, and GRUB's boot sectors are copied in for a PC. The same tree, ids and
 * {@code sourceDate} give the same bytes: FAT's times are mkfs.vfat's invariant ones and the files'
 * own; ext4's creation times are {@code sourceDate}, its directory hashes seeded from the ids, and
 * every inode's change and access time set to {@code sourceDate} afterwards (mke2fs copies them from
 * the tree, where they are the build's).
 */
final class RawImageWriter {

    private static final int MBR_BOOT_CODE = 440;

    private final ProcessRunner runner;
    private final long sourceDate;

    RawImageWriter(ProcessRunner runner, Instant sourceDate) {
        this.runner = runner;
        this.sourceDate = sourceDate.getEpochSecond();
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
    void writeBoot(Path image, ImageLayout layout, DiskIds ids, String fsType, Path tree, Path workDir)
            throws IOException, CommandFailedException, InterruptedException {
        if (!"vfat".equals(fsType)) {
            writeExt(image, layout.bootStart(), layout.bootSize(), fsType, "bootfs", ids.bootFsUuid(), tree, workDir);
            return;
        }
        runner.check(Command.of("mkfs.vfat", "--invariant", "-F", "32", "-n", "BOOTFS", "-i", ids.bootVolumeId(),
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

    /** The root partition: ext4 with the ids' UUID, filled from {@code tree} ({@code workDir} takes a scratch file). */
    void writeRoot(Path image, ImageLayout layout, DiskIds ids, Path tree, Path workDir)
            throws IOException, CommandFailedException, InterruptedException {
        writeExt(image, layout.rootStart(), layout.rootSize(), "ext4", "rootfs", ids.rootFsUuid(), tree, workDir);
    }

    private void writeExt(Path image, long offset, long size, String type, String label, UUID uuid, Path tree, Path workDir)
            throws IOException, CommandFailedException, InterruptedException {
        Map<String, String> fakeTime = Map.of("E2FSPROGS_FAKE_TIME", Long.toString(sourceDate));
        runner.check(Command.of("mkfs." + type, "-q", "-F", "-L", label, "-U", uuid.toString(),
                "-E", "offset=" + offset + ",hash_seed=" + DiskIds.hashSeed(uuid), "-d", tree.toString(), image.toString(),
                size / 1024 + "k").withEnv(fakeTime));
        String partition = image + "?offset=" + offset;
        String groups = runner.output(Command.of("debugfs", "-R", "stats", partition).withEnv(fakeTime));
        Path commands = workDir.resolve("inode-times.debugfs");
        Files.writeString(commands, InodeTimes.debugfsCommands(groups, sourceDate));
        // debugfs echoes each command on standard output (two lines per inode: 80 000 for a lite image's
        // root); that goes to a scratch file, its errors (standard error) to the log
        Path echoed = workDir.resolve("inode-times.out");
        try {
            runner.check(Command.of("debugfs", "-w", "-f", commands.toString(), partition).withEnv(fakeTime)
                    .withStdout(echoed));
        } finally {
            Files.deleteIfExists(commands);
            Files.deleteIfExists(echoed);
        }
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
