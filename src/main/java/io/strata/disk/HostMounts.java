package io.strata.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What /proc/mounts says is mounted. */
public final class HostMounts {

    private static final Path PROC_MOUNTS = Path.of("/proc/mounts");

    private HostMounts() {
    }

    /** Mount points at or below {@code dir}, deepest first (the order to unmount them in). */
    public static List<Path> atOrBelow(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        List<Path> found = new ArrayList<>();
        for (String mountPoint : mountPoints()) {
            if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                found.add(Path.of(mountPoint));
            }
        }
        found.sort(Comparator.comparingInt((Path p) -> p.getNameCount()).reversed());
        return found;
    }

    /** Every mount point of this mount namespace. */
    static List<Path> all() {
        return mountPoints().stream().map(Path::of).toList();
    }

    public static boolean isMountPoint(Path dir) {
        return mountPoints().contains(dir.toAbsolutePath().normalize().toString());
    }

    private static List<String> mountPoints() {
        try {
            List<String> points = new ArrayList<>();
            for (String line : Files.readAllLines(PROC_MOUNTS)) {
                String[] fields = line.split(" ");
                if (fields.length > 1) {
                    points.add(unescape(fields[1]));
                }
            }
            return points;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /proc/mounts writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
