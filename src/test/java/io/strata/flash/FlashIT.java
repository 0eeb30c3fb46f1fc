package io.strata.flash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;

/**
 * {@code ./imagetool --flash} on a small partitioned image with holes, as an export deploys it
 * (.img.xz with its .bmap): refused for a missing device, the running system's disk (where / is on
 * a block device), a mounted device and, without --force, a disk that is not removable (a loop device); written to a loop
 * device with --force and to a plain file, each then byte-identical to the image.
 */
@Tag("integration")
class FlashIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final long IMAGE_SIZE = 24L << 20;

    @TempDir
    Path dir;
    private Path image;
    private Path packed;
    private final List<String> loops = new ArrayList<>();

    @BeforeEach
    void anExportedImageWithItsBlockMap() throws Exception {
        HostLeftovers.assumeRootWith("bmaptool", "losetup", "sfdisk", "xz", "mkfs.ext4");
        image = dir.resolve("image_2026-12-04-it-flash.img");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            byte[] data = new byte[300_000];
            new Random(4711).nextBytes(data);
            file.setLength(IMAGE_SIZE); // sparse: holes but where data is written
            file.seek(6L << 20);
            file.write(data);
            file.seek(20L << 20);
            file.write(data);
        }
        Host.Result table = Host.run(java.time.Duration.ofMinutes(1), dir, java.util.Map.of(), "bash", "-c",
                "printf 'label: dos\\nstart=2048, size=8192, type=c\\nstart=12288, type=83\\n' | sfdisk -q \"$1\"", "-",
                image.toString());
        assertThat(table.exitCode()).as(table.output()).isZero();
        Host.output(dir, "bmaptool", "create", "-o", dir.resolve("image_2026-12-04-it-flash.bmap").toString(), image.toString());
        Host.output(dir, "xz", "-k", "-0", image.toString());
        packed = dir.resolve(image.getFileName() + ".xz");
    }

    @AfterEach
    void detachTheLoops() throws Exception {
        if (Files.isDirectory(dir.resolve("mnt"))) {
            Host.run(dir, "umount", dir.resolve("mnt").toString());
        }
        for (String loop : loops) {
            Host.run(dir, "losetup", "-d", loop);
        }
    }

    private Host.Result flash(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(REPO.resolve("imagetool").toString(), "--flash", packed.toString()));
        argv.addAll(List.of(args));
        return Host.run(REPO, argv.toArray(String[]::new));
    }

    private String loop(Path backing) throws Exception {
        String loop = Host.output(dir, "losetup", "--find", "--show", backing.toString()).trim();
        loops.add(loop);
        return loop;
    }

    private static Path zeroes(Path file) throws Exception {
        Host.output(file.getParent(), "truncate", "-s", String.valueOf(IMAGE_SIZE + (8L << 20)), file.toString());
        return file;
    }

    @Test
    void badTargetsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Host.Result missing = flash("/dev/strata-no-such-disk", "--yes");
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("/dev/strata-no-such-disk does not exist", "lsblk");

        Path disk = zeroes(dir.resolve("disk.bin"));
        String loop = loop(disk);
        Host.Result notRemovable = flash(loop, "--yes");
        assertThat(notRemovable.exitCode()).as(notRemovable.output()).isEqualTo(2);
        assertThat(notRemovable.output()).contains(loop + " is a disk the kernel does not call removable", "--force");

        Host.Result noTerminal = flash(loop, "--force");
        assertThat(noTerminal.exitCode()).as(noTerminal.output()).isEqualTo(2);
        assertThat(noTerminal.output()).contains("no terminal to confirm on", "--yes");

        Host.output(dir, "mkfs.ext4", "-q", loop);
        Files.createDirectories(dir.resolve("mnt"));
        Host.output(dir, "mount", loop, dir.resolve("mnt").toString());
        Host.Result mounted = flash(loop, "--yes", "--force");
        assertThat(mounted.exitCode()).as(mounted.output()).isEqualTo(2);
        assertThat(mounted.output()).contains(loop + " is in use", dir.resolve("mnt") + " is mounted from " + loop, "umount");
        assertThat(Host.output(dir, "blkid", "-o", "value", "-s", "TYPE", loop)).as("nothing was written").contains("ext4");
    }

    @Test
    void theRunningSystemsDiskIsRefusedEvenWithForce() throws Exception {
        String root = Host.output(dir, "findmnt", "-n", "-o", "SOURCE", "/").trim();
        org.assertj.core.api.Assumptions.assumeThat(root.startsWith("/dev/") && Files.exists(Path.of(root)))
                .as("/ is mounted from " + root + ", not from a block device here (a container?): nothing to refuse")
                .isTrue();
        Host.Result system = flash(root, "--yes", "--force");
        assertThat(system.exitCode()).as(system.output()).isEqualTo(2);
        assertThat(system.output()).contains("holds the running system", "/ is mounted from it");
    }

    @Test
    void aLoopDeviceWithForceAndAPlainFileGetTheImageByteForByte() throws Exception {
        Path disk = zeroes(dir.resolve("disk.bin"));
        String loop = loop(disk);
        Host.Result device = flash(loop, "--yes", "--force");
        assertThat(device.exitCode()).as(device.output()).isZero();
        assertThat(device.output()).contains("Target: " + loop, "bmaptool", "Flashed and verified");
        Host.Result same = Host.run(dir, "cmp", "-n", String.valueOf(IMAGE_SIZE), image.toString(), loop);
        assertThat(same.exitCode()).as("the device holds the image: " + same.output() + device.output()).isZero();

        Path file = zeroes(dir.resolve("card.img"));
        Host.Result plain = flash(file.toString(), "--yes");
        assertThat(plain.exitCode()).as(plain.output()).isZero();
        assertThat(Host.run(dir, "cmp", "-n", String.valueOf(IMAGE_SIZE), image.toString(), file.toString()).exitCode())
                .isZero();

        // The read-back catches a target that does not hold what the map says.
        Bmap bmap = Bmap.read(dir.resolve("image_2026-12-04-it-flash.bmap"));
        assertThat(bmap.mismatches(file)).isEmpty();
        assertThat(new Bmap(bmap.imageSize(), bmap.blockSize(), List.of(new Bmap.Range(0, 0, "00".repeat(32))))
                .mismatches(file)).containsExactly("blocks 0-0");
    }
}
