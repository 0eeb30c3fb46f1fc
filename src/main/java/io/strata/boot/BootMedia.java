package io.strata.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.strata.disk.Mbr;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * The raw image to boot, taken from what the export deployed (.img, .zip, .img.gz, .img.xz or .img.zst), and
 * a qcow2 overlay on it: the machine writes to the overlay, the deployed image stays untouched.
 */
final class BootMedia {

    private BootMedia() {
    }

    /** The raw image inside {@code deployed}, unpacked into {@code scratch} when it is packed. */
    static Path rawImage(Path deployed, Path scratch, ProcessRunner runner)
            throws IOException, CommandFailedException, InterruptedException {
        String name = deployed.getFileName().toString();
        if (name.endsWith(".img") || isLiveIso(deployed)) {
            return deployed;
        }
        Path raw = scratch.resolve("disk.img");
        if (name.endsWith(".zip")) {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(deployed))) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    if (entry.getName().endsWith(".img")) {
                        Files.copy(zip, raw, StandardCopyOption.REPLACE_EXISTING);
                        return raw;
                    }
                }
            }
            throw new IOException(deployed + " holds no .img file");
        }
        if (name.endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(deployed), 1 << 16)) {
                Files.copy(in, raw, StandardCopyOption.REPLACE_EXISTING);
            }
            return raw;
        }
        if (name.endsWith(".xz")) {
            runner.check(Command.of("xz", "-dc", deployed.toString()).withStdout(raw));
            return raw;
        }
        if (name.endsWith(".zst")) {
            runner.check(Command.of("zstd", "-dcq", deployed.toString()).withStdout(raw));
            return raw;
        }
        throw new IOException(deployed + " is not an exported image: give a .img, .zip, .img.gz, .img.xz, .img.zst or live .iso file");
    }

    /** A live ISO (EXPORT_LIVE) boots as a CD-ROM, read-only: it needs no overlay. */
    static boolean isLiveIso(Path deployed) {
        return deployed.getFileName().toString().endsWith(".iso");
    }

    static Path overlay(Path raw, Path scratch, ProcessRunner runner) throws CommandFailedException, InterruptedException {
        Path overlay = scratch.resolve("boot-overlay.qcow2");
        runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", raw.toAbsolutePath().toString(),
                "-F", "raw", overlay.toString()));
        return overlay;
    }

    /** The first partition's start in bytes, from the MBR. */
    static long bootPartitionOffset(Path raw) throws IOException {
        return Mbr.read(raw).orElseThrow(() -> new IOException(raw + " has no MBR partition table")).partition(0).offset();
    }
}
