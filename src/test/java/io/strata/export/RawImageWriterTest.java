package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.Command;
import io.strata.exec.CommandResult;
import io.strata.testing.RecordingRunner;

/** The raw image's parts as commands at the layout's offsets, and GRUB's sectors around the partition table. */
class RawImageWriterTest {

    private static final long MIB = 1L << 20;
    private static final ImageLayout LAYOUT = new ImageLayout(4 * MIB, 64 * MIB, 68 * MIB, 200 * MIB);
    private static final DiskIds IDS = new DiskIds("1a2b3c4d", UUID.fromString("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"), "5e6f7a8b");

    @TempDir
    Path dir;
    private static final Instant SOURCE_DATE = Instant.parse("2026-11-22T00:00:00Z");

    private final RecordingRunner runner = new RecordingRunner(RawImageWriterTest::answer);
    private final RawImageWriter writer = new RawImageWriter(runner, SOURCE_DATE);

    /** debugfs's stats: one group whose inodes from 13 on were never used. */
    private static CommandResult answer(Command command) {
        return command.argv().contains("stats")
                ? RecordingRunner.result(command, 0, "Inodes per group: 100", "First inode: 11",
                        " Group  0: block bitmap at 3, inode bitmap at 4, inode table at 5",
                        "   0 free blocks, 88 free inodes, 2 used directories, 88 unused inodes")
                : RecordingRunner.result(command, 0);
    }

    @Test
    void aFatBootPartitionIsMadeAtItsOffsetAndFilledInNameOrder() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("boot"));
        for (String name : List.of("kernel8.img", "config.txt", "overlays")) {
            Files.writeString(tree.resolve(name), name);
        }
        writer.writeBoot(dir.resolve("disk.img"), LAYOUT, IDS, "vfat", tree, dir);
        List<Command> commands = runner.commands();
        assertThat(commands.get(0).argv()).containsExactly("mkfs.vfat", "--invariant", "-F", "32", "-n", "BOOTFS", "-i", "5e6f7a8b",
                "--offset", Long.toString(4 * MIB / 512), dir.resolve("disk.img").toString(), Long.toString(64 * 1024));
        assertThat(commands.get(1).argv()).containsExactly("mcopy", "-s", "-p", "-m", "-Q", "-i", dir.resolve("disk.img") + "@@" + 4 * MIB,
                tree.resolve("config.txt").toString(), tree.resolve("kernel8.img").toString(), tree.resolve("overlays").toString(), "::/");
        assertThat(commands.get(1).env()).containsEntry("MTOOLS_SKIP_CHECK", "1");
    }

    @Test
    void anEmptyBootTreeIsOnlyFormattedAndAnExtBootAndTheRootAreFilledByMkfs() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        writer.writeBoot(dir.resolve("disk.img"), LAYOUT, IDS, "vfat", empty, dir);
        assertThat(runner.commands()).extracting(Command::program).containsExactly("mkfs.vfat");

        RecordingRunner ext = new RecordingRunner(RawImageWriterTest::answer);
        new RawImageWriter(ext, SOURCE_DATE).writeBoot(dir.resolve("disk.img"), LAYOUT, IDS, "ext4", empty, dir);
        new RawImageWriter(ext, SOURCE_DATE).writeRoot(dir.resolve("disk.img"), LAYOUT, IDS, dir.resolve("rootfs"), dir);
        assertThat(ext.commands()).extracting(Command::program)
                .containsExactly("mkfs.ext4", "debugfs", "debugfs", "mkfs.ext4", "debugfs", "debugfs");
        assertThat(ext.commands().get(0).argv()).containsExactly("mkfs.ext4", "-q", "-F", "-L", "bootfs", "-U",
                IDS.bootFsUuid().toString(), "-E", "offset=" + 4 * MIB + ",hash_seed=" + DiskIds.hashSeed(IDS.bootFsUuid()),
                "-d", empty.toString(), dir.resolve("disk.img").toString(), 64 * 1024 + "k");
        Command root = ext.commands().get(3);
        assertThat(root.argv()).containsExactly("mkfs.ext4", "-q", "-F", "-L", "rootfs", "-U",
                "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "-E", "offset=" + 68 * MIB + ",hash_seed="
                        + DiskIds.hashSeed(IDS.rootFsUuid()), "-d", dir.resolve("rootfs").toString(),
                dir.resolve("disk.img").toString(), 200 * 1024 + "k");
        assertThat(root.env()).containsEntry("E2FSPROGS_FAKE_TIME", Long.toString(SOURCE_DATE.getEpochSecond()));
        assertThat(ext.commands().get(5).argv()).contains("-w", dir.resolve("disk.img") + "?offset=" + 68 * MIB);
        assertThat(dir.resolve("inode-times.debugfs")).as("the command file is scratch").doesNotExist();
    }

    @Test
    void grubsBootCodeLeavesThePartitionTableAndItsCoreImageMustFitBeforeThePartition() throws Exception {
        Path image = dir.resolve("disk.img");
        byte[] disk = new byte[(int) (8 * MIB)];
        Arrays.fill(disk, 440, 512, (byte) 0x77); // disk signature, partition table, boot signature
        Files.write(image, disk);
        byte[] boot = new byte[512];
        Arrays.fill(boot, (byte) 0x11);
        byte[] core = new byte[30_000];
        Arrays.fill(core, (byte) 0x22);
        writer.writeBiosBootloader(image, LAYOUT, Files.write(dir.resolve("boot.img"), boot), Files.write(dir.resolve("core.img"), core));
        byte[] written = Files.readAllBytes(image);
        assertThat(Arrays.copyOfRange(written, 0, 440)).containsOnly((byte) 0x11);
        assertThat(Arrays.copyOfRange(written, 440, 512)).containsOnly((byte) 0x77);
        assertThat(Arrays.copyOfRange(written, 512, 512 + core.length)).containsOnly((byte) 0x22);
        assertThat(written[512 + core.length]).isZero();

        Path tooBig = Files.write(dir.resolve("big-core.img"), new byte[(int) (4 * MIB)]);
        assertThatThrownBy(() -> writer.writeBiosBootloader(image, LAYOUT, dir.resolve("boot.img"), tooBig))
                .isInstanceOf(IOException.class).hasMessageContaining("does not fit before the first partition");
        Path notASector = Files.write(dir.resolve("short-boot.img"), new byte[446]);
        assertThatThrownBy(() -> writer.writeBiosBootloader(image, LAYOUT, notASector, dir.resolve("core.img")))
                .isInstanceOf(IOException.class).hasMessageContaining("not one 512-byte sector");
    }
}
