package io.strata.flash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kernel's view of block devices, as sysfs ({@code /sys/class/block/NAME}: dev, size, removable,
 * partition, holders/, slaves/, dm/, md/), mountinfo and swaps show it. Everything is read from files
 * under paths given here, so a test can give a made-up tree: LVM, LUKS, md, swap and mounts.
 */
public record BlockDevices(Path classBlock, Path mountinfo, Path swaps) {

    /** This host's. */
    public static BlockDevices host() {
        return new BlockDevices(Path.of("/sys/class/block"), Path.of("/proc/self/mountinfo"), Path.of("/proc/swaps"));
    }

    public boolean exists(String name) {
        return Files.isDirectory(classBlock.resolve(name));
    }

    /** "major:minor", from sysfs. */
    public String number(String name) throws IOException {
        return read(name, "dev");
    }

    public boolean isPartition(String name) {
        return Files.exists(classBlock.resolve(name).resolve("partition"));
    }

    /** The whole disk a partition lies on (the disk itself for a disk). */
    public String diskOf(String name) throws IOException {
        return isPartition(name) ? classBlock.resolve(name).toRealPath().getParent().getFileName().toString() : name;
    }

    /** The partitions of a disk, by name. */
    public List<String> partitions(String disk) throws IOException {
        List<String> found = new ArrayList<>();
        Path dir = classBlock.resolve(disk).toRealPath();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.filter(p -> Files.exists(p.resolve("partition"))).sorted().toList()) {
                found.add(entry.getFileName().toString());
            }
        }
        return found;
    }

    public List<String> holders(String name) throws IOException {
        return list(name, "holders");
    }

    public List<String> slaves(String name) throws IOException {
        return list(name, "slaves");
    }

    /** What a holder is: "LVM", "LUKS (dm-crypt)", "md RAID", "device-mapper", or its name. */
    public String kind(String name) throws IOException {
        String uuid = read(name, "dm/uuid");
        if (uuid.startsWith("LVM-")) {
            return "an LVM volume (" + read(name, "dm/name") + ")";
        }
        if (uuid.startsWith("CRYPT-")) {
            return "a LUKS/dm-crypt mapping (" + read(name, "dm/name") + ")";
        }
        if (Files.exists(classBlock.resolve(name).resolve("dm"))) {
            return "a device-mapper device (" + read(name, "dm/name") + ")";
        }
        if (Files.exists(classBlock.resolve(name).resolve("md"))) {
            return "an md RAID array (/dev/" + name + ")";
        }
        return "/dev/" + name;
    }

    /** The whole disks {@code name} is built on: itself for a disk, its disk for a partition, through device-mapper and md to the disks under them. */
    public Set<String> disksUnder(String name) throws IOException {
        Set<String> disks = new LinkedHashSet<>();
        List<String> slaves = slaves(name);
        if (slaves.isEmpty()) {
            disks.add(diskOf(name));
        }
        for (String slave : slaves) {
            disks.addAll(disksUnder(slave));
        }
        return disks;
    }

    /** The device name whose "major:minor" is {@code number}, if sysfs has one. */
    public Optional<String> byNumber(String number) throws IOException {
        if (!Files.isDirectory(classBlock)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(classBlock)) {
            for (Path entry : entries.sorted().toList()) {
                if (number.equals(readFile(entry.resolve("dev")))) {
                    return Optional.of(entry.getFileName().toString());
                }
            }
        }
        return Optional.empty();
    }

    /** Mount point and "major:minor" of every mount. */
    public List<String[]> mounts() throws IOException {
        List<String[]> found = new ArrayList<>();
        for (String line : Files.readAllLines(mountinfo)) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                found.add(new String[] {fields[4].replace("\\040", " "), fields[2]});
            }
        }
        return found;
    }

    /** The device names used as swap (a /dev path in /proc/swaps, its links resolved where they exist). */
    public List<String> swapDevices() throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(swaps)) {
            String device = line.split("\\s+")[0];
            if (device.startsWith("/dev/")) {
                Path path = Path.of(device);
                found.add((Files.exists(path) ? path.toRealPath() : path).getFileName().toString());
            }
        }
        return found;
    }

    public long size(String name) throws IOException {
        String sectors = read(name, "size");
        return sectors.isEmpty() ? 0 : Long.parseLong(sectors) * 512;
    }

    public boolean removable(String disk) throws IOException {
        return "1".equals(read(disk, "removable")) || classBlock.resolve(disk).toRealPath().toString().contains("/usb");
    }

    public String model(String disk) throws IOException {
        return read(disk, "device/model");
    }

    private List<String> list(String name, String what) throws IOException {
        Path dir = classBlock.resolve(name).resolve(what);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String read(String name, String file) throws IOException {
        return readFile(classBlock.resolve(name).resolve(file));
    }

    private static String readFile(Path file) throws IOException {
        return Files.isReadable(file) ? Files.readString(file).trim() : "";
    }
}
