package io.strata.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.strata.exec.CommandFailedException;

/**
 * What the host itself shows of a work dir, ledger or not: chroot steps still running in it, mounts at
 * or below it, loop devices backed by its files, and qemu-nbd and nbdfuse processes serving its images.
 */
public final class HostScan {

    /** One thing attached to the host, released the way its kind is released. */
    public record Found(Ledger.Kind kind, String target, String detail) {
        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + target + " (" + detail + ")";
        }
    }

    private final DiskTools tools;

    public HostScan(DiskTools tools) {
        this.tools = tools;
    }

    /** Everything of {@code workDir} the host still holds, in the order to release it: steps, mounts, loops, FUSE, servers. */
    public List<Found> below(Path workDir) throws CommandFailedException, InterruptedException {
        String prefix = workDir.toAbsolutePath().normalize().toString();
        List<Found> found = new ArrayList<>(stepsLeftRunning(prefix));
        List<Path> fuseMounts = new ArrayList<>();
        for (Path mountPoint : HostMounts.atOrBelow(workDir)) {
            if (mountPoint.toString().equals(prefix)) {
                continue; // the work dir's own file system (a disk, a container's volume) is not the build's
            }
            if (mountPoint.getFileName() != null && mountPoint.getFileName().toString().equals("fuse")) {
                fuseMounts.add(mountPoint);
            } else {
                found.add(new Found(Ledger.Kind.MOUNT, mountPoint.toString(), "mounted"));
            }
        }
        loops().stream().filter(loop -> loop.detail().startsWith(prefix + "/")).forEach(found::add);
        fuseMounts.forEach(m -> found.add(new Found(Ledger.Kind.FUSE, m.toString(), "FUSE file")));
        ProcessHandle.allProcesses().forEach(p -> {
            String cmdline = commandLine(p.pid());
            if ((cmdline.startsWith("qemu-nbd ") || cmdline.startsWith("nbdfuse ")) && cmdline.contains(prefix + "/")) {
                found.add(new Found(Ledger.Kind.PROCESS, Long.toString(p.pid()), cmdline));
            }
        });
        return found;
    }

    /**
     * Loop devices left on an nbdfuse file whose mount no namespace holds any more: a container's build
     * killed with its mount namespace. The kernel then names the file by its path inside the FUSE mount
     * alone ({@code /disk}); a live build's loop shows its whole path. Nothing can use such a loop again.
     */
    public List<Found> orphanedLoops() throws CommandFailedException, InterruptedException {
        return loops().stream().filter(loop -> isDetachedFuseFile(loop.detail())).toList();
    }

    /** Every attached loop device with its backing file. */
    private List<Found> loops() throws CommandFailedException, InterruptedException {
        List<Found> found = new ArrayList<>();
        String loops = tools.runner().output(DiskTools.plumbing("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"));
        for (String line : loops.lines().toList()) {
            String[] fields = line.trim().split("\\s+", 2);
            if (fields.length == 2) {
                found.add(new Found(Ledger.Kind.LOOP, fields[0], fields[1]));
            }
        }
        return found;
    }

    /** The name a loop's backing file has once the FUSE mount it lies in has gone with its namespace. */
    static boolean isDetachedFuseFile(String backingFile) {
        return backingFile.equals("/" + FuseNbdAttacher.FUSE_FILE);
    }

    /**
     * Steps of a killed build that still run: processes whose root directory is in the work dir (chroot
     * steps, which hold their private mounts and with them the stage's loop device until they end), and
     * processes working on it by name (a bootstrap writing into ROOTFS_DIR, chroot-enter.sh wrappers).
     */
    public static List<Found> stepsLeftRunning(Path workDir) {
        return stepsLeftRunning(workDir.toAbsolutePath().normalize().toString());
    }

    private static List<Found> stepsLeftRunning(String prefix) {
        List<Found> steps = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().filter(p -> p.pid() != self).forEach(p -> {
            String cmdline = commandLine(p.pid());
            String root = rootOf(p.pid());
            boolean chrooted = root.startsWith(prefix + "/");
            boolean server = cmdline.startsWith("qemu-nbd ") || cmdline.startsWith("nbdfuse ");
            boolean working = !server && cmdline.contains(prefix + "/");
            if ((chrooted || working) && !cmdline.isEmpty()) {
                steps.add(new Found(Ledger.Kind.PROCESS, Long.toString(p.pid()), cmdline));
            }
        });
        return steps;
    }

    private static String rootOf(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "root")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** Releases one thing found, as LeftoverReleaser releases a ledger entry. */
    public void release(Found thing) throws CommandFailedException, InterruptedException {
        new LeftoverReleaser(tools).releaseOne(new Ledger.Entry(thing.kind(), thing.target(), thing.detail()));
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }
}
