package io.strata.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;

/**
 * Releases what a killed build left in its ledger, newest first, checking each against the host so
 * that nothing is touched that is no longer Strata's (a reused loop device, a recycled PID).
 */
public final class LeftoverReleaser {

    private final DiskTools tools;

    public LeftoverReleaser(DiskTools tools) {
        this.tools = tools;
    }

    /** Releases every entry of {@code ledger}; returns a line for each thing released. */
    public List<String> release(Ledger ledger) throws ReleaseException, InterruptedException {
        List<String> released = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<Ledger.Entry> entries = new ArrayList<>(ledger.entries());
        java.util.Collections.reverse(entries);
        for (Ledger.Entry entry : entries) {
            try {
                if (releaseOne(entry)) {
                    released.add(entry.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + entry.target()
                            + " (" + entry.detail() + ")");
                }
                ledger.remove(entry);
            } catch (CommandFailedException | RuntimeException e) {
                failures.add(entry.target() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new ReleaseException(failures);
        }
        return released;
    }

    boolean releaseOne(Ledger.Entry entry) throws CommandFailedException, InterruptedException {
        Path target = Path.of(entry.target());
        switch (entry.kind()) {
            case MOUNT:
                if (HostMounts.atOrBelow(target).isEmpty()) {
                    return false;
                }
                tools.unmountTree(target);
                return true;
            case LOOP:
                String backing = tools.runner().run(DiskTools.plumbing("losetup", "--noheadings", "--output", "BACK-FILE",
                        target.toString())).stdout().trim();
                boolean sameFile = backing.equals(entry.detail()) || (HostScan.isDetachedFuseFile(backing)
                        && entry.detail().endsWith(backing));
                if (!sameFile) {
                    return false;
                }
                tools.detachLoop(target);
                return true;
            case FUSE:
                if (!HostMounts.isMountPoint(target)) {
                    return false;
                }
                tools.retryWhileBusy(Command.of("fusermount3", "-u", target.toString()));
                return true;
            case NBD:
                if (!Files.exists(Path.of("/sys/block/" + target.getFileName() + "/pid"))) {
                    return false;
                }
                tools.runner().check(Command.of("qemu-nbd", "--disconnect", target.toString()));
                return true;
            case PROCESS:
                return stopProcess(Long.parseLong(entry.target()), entry.detail());
            default:
                return false;
        }
    }

    /** Stops a leftover server, but only if that PID still runs the program the ledger names. */
    private static boolean stopProcess(long pid, String detail) throws InterruptedException {
        String program = detail.split(" ")[0];
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (!Files.exists(cmdline) || !new String(Files.readAllBytes(cmdline)).contains(program)) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
            return false;
        }
        handle.destroy();
        for (int i = 0; i < 100 && handle.isAlive(); i++) {
            Thread.sleep(100);
        }
        if (handle.isAlive()) {
            handle.destroyForcibly();
        }
        return true;
    }
}
