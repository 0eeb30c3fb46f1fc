package io.strata.flash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.strata.config.BadInputException;

/**
 * Where {@code imagetool --flash} is to write: a whole removable disk (a card, a stick), or with
 * {@code --force} any other block device, or a plain file. Never a device that is mounted, in use
 * as swap or holds the running system; the kernel's view (sysfs, mountinfo, swaps) decides.
 */
public record FlashTarget(Path path, Kind kind, long size, String description, List<String> holds) {

    public enum Kind { REMOVABLE_DISK, OTHER_DEVICE, FILE }

    private static final Path SYS_DEV_BLOCK = Path.of("/sys/dev/block");
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path SWAPS = Path.of("/proc/swaps");
    /** The mount points whose devices make up the running system. */
    private static final Set<String> SYSTEM_MOUNTS = Set.of("/", "/usr", "/boot", "/boot/efi", "/boot/firmware", "/var");
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    public FlashTarget {
        holds = List.copyOf(holds);
    }

    /** Looks at {@code target} and refuses it, saying why and what to do, unless it may be written. */
    public static FlashTarget inspect(Path target, long imageSize, boolean force) throws BadInputException, IOException {
        if (!Files.exists(target)) {
            throw new BadInputException("--flash: " + target + " does not exist: give the whole-disk device of the card "
                    + "or stick (lsblk lists them, e.g. /dev/sdb or /dev/mmcblk0), or an existing file");
        }
        Path real = target.toRealPath();
        if (Files.isRegularFile(real)) {
            return new FlashTarget(real, Kind.FILE, Files.size(real), "a file of " + human(Files.size(real)), List.of());
        }
        int mode = (Integer) Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFBLK) {
            throw new BadInputException("--flash: " + target + " is neither a block device nor a file: give the card's "
                    + "or stick's whole-disk device, e.g. /dev/sdb");
        }
        long rdev = (Long) Files.getAttribute(real, "unix:rdev");
        Path sys = SYS_DEV_BLOCK.resolve(major(rdev) + ":" + minor(rdev)).toRealPath();
        Path disk = Files.exists(sys.resolve("partition")) ? sys.getParent() : sys;
        Set<String> devices = devicesOf(disk);
        Set<String> system = systemDisks();
        if (system.contains(deviceNumber(disk))) {
            throw new BadInputException("--flash: " + target + " holds the running system (" + String.join(", ",
                    systemMountsOn(devices)) + "): it is never written; give the card's or stick's device");
        }
        List<String> mounted = mountsOn(devices);
        if (!mounted.isEmpty()) {
            throw new BadInputException("--flash: " + target + " is in use: " + String.join(", ", mounted)
                    + "; unmount it first (umount " + mounted.get(0).replaceFirst(" .*", "") + ")");
        }
        long size = Long.parseLong(read(sys.resolve("size"))) * 512;
        boolean removable = sys.equals(disk) && ("1".equals(read(disk.resolve("removable"))) || disk.toString().contains("/usb"));
        if (!removable && !force) {
            String what = sys.equals(disk) ? "a disk the kernel does not call removable" : "a partition, not a whole disk";
            throw new BadInputException("--flash: " + target + " is " + what + " (" + human(size) + "): write a card's or "
                    + "stick's whole disk, or add --force if you are sure this is the one");
        }
        if (size < imageSize) {
            throw new BadInputException("--flash: " + target + " holds " + human(size) + ", the image needs "
                    + human(imageSize) + ": use a larger card or stick");
        }
        String model = read(disk.resolve("device/model"));
        String description = human(size) + (model.isEmpty() ? "" : " " + model) + (removable ? ", removable" : "");
        return new FlashTarget(real, removable ? Kind.REMOVABLE_DISK : Kind.OTHER_DEVICE, size, description, partitions(disk, sys));
    }

    private static List<String> partitions(Path disk, Path sys) throws IOException {
        List<String> found = new ArrayList<>();
        if (!sys.equals(disk)) {
            return found;
        }
        try (Stream<Path> entries = Files.list(disk)) {
            for (Path part : entries.filter(p -> Files.exists(p.resolve("partition"))).sorted().toList()) {
                found.add("/dev/" + part.getFileName() + " (" + human(Long.parseLong(read(part.resolve("size"))) * 512) + ")");
            }
        }
        return found;
    }

    /** "major:minor" of the disk and of each of its partitions. */
    private static Set<String> devicesOf(Path disk) throws IOException {
        Set<String> devices = new LinkedHashSet<>();
        devices.add(deviceNumber(disk));
        try (Stream<Path> entries = Files.list(disk)) {
            for (Path part : entries.filter(p -> Files.exists(p.resolve("partition"))).toList()) {
                devices.add(deviceNumber(part));
            }
        }
        return devices;
    }

    /** The whole disks holding the system's own mounts (a partition counts as its disk). */
    private static Set<String> systemDisks() throws IOException {
        Set<String> disks = new LinkedHashSet<>();
        for (String[] mount : mountinfo()) {
            if (SYSTEM_MOUNTS.contains(mount[4])) {
                Path sys = SYS_DEV_BLOCK.resolve(mount[2]);
                if (Files.exists(sys)) {
                    Path real = sys.toRealPath();
                    disks.add(deviceNumber(Files.exists(real.resolve("partition")) ? real.getParent() : real));
                }
            }
        }
        return disks;
    }

    private static List<String> systemMountsOn(Set<String> devices) throws IOException {
        return mountinfo().stream().filter(m -> devices.contains(m[2]) && SYSTEM_MOUNTS.contains(m[4]))
                .map(m -> m[4] + " is mounted from it").distinct().toList();
    }

    /** "MOUNTPOINT mounted from it" and "swap" entries of the given devices. */
    private static List<String> mountsOn(Set<String> devices) throws IOException {
        List<String> found = new ArrayList<>();
        for (String[] mount : mountinfo()) {
            if (devices.contains(mount[2])) {
                found.add(mount[4].replace("\\040", " ") + " is mounted from it");
            }
        }
        for (String line : Files.readAllLines(SWAPS)) {
            String device = line.split("\\s+")[0];
            if (device.startsWith("/dev/") && Files.exists(Path.of(device))) {
                long rdev = (Long) Files.getAttribute(Path.of(device), "unix:rdev");
                if (devices.contains(major(rdev) + ":" + minor(rdev))) {
                    found.add(device + " is swap");
                }
            }
        }
        return found.stream().distinct().toList();
    }

    private static List<String[]> mountinfo() throws IOException {
        return Files.readAllLines(MOUNTINFO).stream().map(l -> l.split(" ")).filter(f -> f.length > 4).toList();
    }

    private static String deviceNumber(Path sysDevice) throws IOException {
        return read(sysDevice.resolve("dev"));
    }

    private static String read(Path file) throws IOException {
        return Files.isReadable(file) ? Files.readString(file).trim() : "";
    }

    private static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    private static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    /** What a person is shown before anything is written. */
    public String summary() {
        return path + ": " + description + (holds.isEmpty() ? "" : "; its partitions " + String.join(", ", holds)
                + " will be overwritten");
    }

    /** Whether this is a file on the host rather than a device. */
    public Optional<Path> file() {
        return kind == Kind.FILE ? Optional.of(path) : Optional.empty();
    }
}
