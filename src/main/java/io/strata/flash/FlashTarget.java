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

import io.strata.config.BadInputException;

/**
 * Where {@code imagetool --flash} is to write: a whole removable disk (a card, a stick), or with
 * {@code --force} any other block device, or a plain file. Never a device that is mounted, in use
 * as swap or holds the running system; the kernel's view (sysfs, mountinfo, swaps) decides.
 */
public record FlashTarget(Path path, Kind kind, long size, String description, List<String> holds) {

    public enum Kind { REMOVABLE_DISK, OTHER_DEVICE, FILE }

    /** The mount points whose devices make up the running system. */
    private static final Set<String> SYSTEM_MOUNTS = Set.of("/", "/usr", "/boot", "/boot/efi", "/boot/firmware", "/var");
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    public FlashTarget {
        holds = List.copyOf(holds);
    }

    /** Looks at {@code target} on this host and refuses it, saying why and what to do, unless it may be written. */
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
        BlockDevices devices = BlockDevices.host();
        String name = real.getFileName().toString();
        if (!devices.exists(name)) {
            throw new BadInputException("--flash: " + target + " (" + real + ") is not a block device the kernel lists in "
                    + devices.classBlock() + ": give the card's or stick's whole-disk device, e.g. /dev/sdb");
        }
        return decide(real, name, imageSize, force, devices);
    }

    /**
     * The decision for block device {@code name} (at {@code path}), from the kernel's view alone: never the
     * running system's disk; never a disk, or a partition of it, that holds something or is held (a
     * mount, swap, LVM, LUKS, md, any device-mapper target), nor a device built on others; a whole
     * removable disk, or with {@code force} any other; large enough for the image.
     */
    static FlashTarget decide(Path path, String name, long imageSize, boolean force, BlockDevices devices)
            throws BadInputException, IOException {
        String target = path.toString();
        List<String> under = devices.slaves(name);
        if (!under.isEmpty()) {
            throw new BadInputException("--flash: " + target + " is " + devices.kind(name) + " built on "
                    + String.join(", ", under.stream().map(d -> "/dev/" + d).toList())
                    + ": write a whole disk (a card or stick) instead");
        }
        String disk = devices.diskOf(name);
        List<String> members = new ArrayList<>(List.of(disk));
        members.addAll(devices.partitions(disk));
        Set<String> system = systemDisks(devices);
        if (system.contains(disk)) {
            throw new BadInputException("--flash: " + target + " holds the running system (" + String.join(", ",
                    systemMountsOn(members, devices)) + "): it is never written; give the card's or stick's device");
        }
        List<String> uses = new ArrayList<>();
        for (String member : members) {
            for (String holder : devices.holders(member)) {
                uses.add("/dev/" + member + " is held by " + devices.kind(holder) + heldFor(holder, devices));
            }
        }
        uses.addAll(mountsOn(members, devices));
        if (!uses.isEmpty()) {
            throw new BadInputException("--flash: " + target + " is in use: " + String.join("; ", uses)
                    + "; stop what uses it first (umount, swapoff, vgchange -an, cryptsetup close, mdadm --stop)");
        }
        long size = devices.size(name);
        boolean whole = name.equals(disk);
        boolean removable = whole && devices.removable(disk);
        if (!removable && !force) {
            String what = whole ? "a disk the kernel does not call removable" : "a partition, not a whole disk";
            throw new BadInputException("--flash: " + target + " is " + what + " (" + human(size) + "): write a card's or "
                    + "stick's whole disk, or add --force if you are sure this is the one");
        }
        if (size < imageSize) {
            throw new BadInputException("--flash: " + target + " holds " + human(size) + ", the image needs "
                    + human(imageSize) + ": use a larger card or stick");
        }
        String model = devices.model(disk);
        String description = human(size) + (model.isEmpty() ? "" : " " + model) + (removable ? ", removable" : "");
        List<String> partitions = new ArrayList<>();
        if (whole) {
            for (String part : devices.partitions(disk)) {
                partitions.add("/dev/" + part + " (" + human(devices.size(part)) + ")");
            }
        }
        return new FlashTarget(path, removable ? Kind.REMOVABLE_DISK : Kind.OTHER_DEVICE, size, description, partitions);
    }

    /** What a holder is itself used for, as far as the kernel shows: its own mount or swap. */
    private static String heldFor(String holder, BlockDevices devices) throws IOException {
        List<String> uses = mountsOn(List.of(holder), devices);
        return uses.isEmpty() ? "" : " (" + String.join(", ", uses) + ")";
    }

    /** The whole disks under the system's own mounts, through device-mapper and md. */
    private static Set<String> systemDisks(BlockDevices devices) throws IOException {
        Set<String> disks = new LinkedHashSet<>();
        for (String[] mount : devices.mounts()) {
            if (SYSTEM_MOUNTS.contains(mount[0])) {
                Optional<String> device = devices.byNumber(mount[1]);
                if (device.isPresent()) {
                    disks.addAll(devices.disksUnder(device.get()));
                }
            }
        }
        return disks;
    }

    private static List<String> systemMountsOn(List<String> members, BlockDevices devices) throws IOException {
        List<String> found = new ArrayList<>();
        for (String[] mount : devices.mounts()) {
            Optional<String> device = devices.byNumber(mount[1]);
            if (SYSTEM_MOUNTS.contains(mount[0]) && device.isPresent()
                    && devices.disksUnder(device.get()).stream().anyMatch(members::contains)) {
                found.add(mount[0] + " is mounted from it");
            }
        }
        return found.stream().distinct().toList();
    }

    /** "MOUNTPOINT is mounted from /dev/X" and "/dev/X is swap" for the given devices. */
    private static List<String> mountsOn(List<String> names, BlockDevices devices) throws IOException {
        List<String> found = new ArrayList<>();
        for (String name : names) {
            String number = devices.number(name);
            for (String[] mount : devices.mounts()) {
                if (mount[1].equals(number)) {
                    found.add(mount[0] + " is mounted from /dev/" + name);
                }
            }
            if (devices.swapDevices().contains(name)) {
                found.add("/dev/" + name + " is swap");
            }
        }
        return found.stream().distinct().toList();
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
