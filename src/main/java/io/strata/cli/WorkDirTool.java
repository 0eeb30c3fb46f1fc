package io.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import io.strata.config.BuildConfig;
import io.strata.disk.AttachTool;
import io.strata.disk.DiskTools;
import io.strata.disk.HostScan;
import io.strata.disk.Ledger;
import io.strata.disk.LeftoverReleaser;
import io.strata.disk.ReleaseException;
import io.strata.disk.WorkDirs;
import io.strata.engine.BuildLock;
import io.strata.engine.WorkLayout;
import io.strata.exec.CommandFailedException;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/** {@code imagetool --list} and {@code --cleanup}: what a work dir has attached, and releasing it. */
final class WorkDirTool {

    private final BuildConfig config;
    private final PrintWriter out;
    private final PrintWriter err;

    WorkDirTool(BuildConfig config, PrintWriter out, PrintWriter err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int run(boolean cleanup) throws InterruptedException, CommandFailedException, java.io.IOException {
        int exit = run(new WorkLayout(config.workDir()), cleanup, false, out, err);
        if (!cleanup && exit == ExitCodes.OK) {
            listImagetool(out);
        }
        return exit;
    }

    /**
     * {@code imagetool --cleanup} or {@code --list} without a config: every work dir this host knows of
     * (registered by its build, or recognised by its leftovers). Work dirs whose build is alive are left
     * alone; the rest are released, each saying what it released.
     */
    static int runEverywhere(boolean cleanup, PrintWriter out, PrintWriter err)
            throws InterruptedException, CommandFailedException, java.io.IOException {
        if (cleanup && !BuildCommand.isRoot()) {
            err.println("strata: imagetool --cleanup needs root (it unmounts and detaches): run it with sudo");
            return ExitCodes.BAD_INPUT;
        }
        java.util.Set<java.nio.file.Path> workDirs = WorkDirs.onThisHost(new DiskTools(new SystemProcessRunner(LineSink.DISCARD)));
        if (workDirs.isEmpty()) {
            out.println("No Strata work dir on this host holds anything.");
        }
        int exit = ExitCodes.OK;
        for (java.nio.file.Path workDir : workDirs) {
            out.println("Work dir " + workDir + ":");
            if (!Files.isDirectory(workDir)) {
                out.println("  left alone: it is not on this host's file system (a container's work dir; once the "
                        + "container has stopped, ./build-docker.sh --cleanup releases it)");
                continue;
            }
            out.flush();
            int one = run(new WorkLayout(workDir), cleanup, true, out, err);
            exit = one == ExitCodes.FAILED || exit == ExitCodes.FAILED ? ExitCodes.FAILED : exit;
        }
        exit = orphanedLoops(cleanup, out, err) == ExitCodes.FAILED ? ExitCodes.FAILED : exit;
        if (!cleanup) {
            listImagetool(out);
        }
        out.flush();
        return exit;
    }

    /** Loops whose build went with its container's mount namespace: listed, or detached. */
    private static int orphanedLoops(boolean cleanup, PrintWriter out, PrintWriter err)
            throws InterruptedException, CommandFailedException {
        HostScan scan = new HostScan(new DiskTools(new SystemProcessRunner(LineSink.DISCARD)));
        List<HostScan.Found> orphans = scan.orphanedLoops();
        if (!cleanup) {
            orphans.forEach(o -> out.println("Left by a container's build that has gone: " + o));
            return ExitCodes.OK;
        }
        List<String> released = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        releaseEach(scan, orphans, released, failures);
        released.forEach(line -> out.println("released " + line + " (left by a container's build that has gone)"));
        failures.forEach(line -> err.println("strata: could not release " + line));
        out.flush();
        err.flush();
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** {@code everywhere}: one of many work dirs, where one a build is using is left alone, not refused. */
    private static int run(WorkLayout layout, boolean cleanup, boolean everywhere, PrintWriter out, PrintWriter err)
            throws InterruptedException, CommandFailedException, java.io.IOException {
        if (!Files.isDirectory(layout.workDir())) {
            err.println("strata: imagetool cannot start: WORK_DIR " + layout.workDir() + " does not exist; give the "
                    + "config of the build whose work dir you mean (-c FILE)");
            return ExitCodes.BAD_INPUT;
        }
        DiskTools disk = new DiskTools(new SystemProcessRunner(LineSink.DISCARD));
        if (!cleanup) {
            BuildLock.holder(layout.lock()).ifPresent(holder -> out.println("  running: " + holder
                    + " (--cleanup leaves it alone)"));
            list(layout, disk, out);
            return ExitCodes.OK;
        }
        if (!BuildCommand.isRoot()) {
            err.println("strata: imagetool --cleanup needs root (it unmounts and detaches): run it with sudo");
            return ExitCodes.BAD_INPUT;
        }
        try (BuildLock lock = BuildLock.acquire(layout.lock(), BuildLock.CLEANUP)) {
            return cleanup(layout, disk, out, err);
        } catch (BuildLock.HeldException e) {
            if (everywhere) {
                out.println("  left alone: a build is running in it ("
                        + BuildLock.holder(layout.lock()).orElse("it has just ended") + ")");
                return ExitCodes.OK;
            }
            err.println("strata: imagetool --cleanup will not touch a running build: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    private static void list(WorkLayout layout, DiskTools disk, PrintWriter out)
            throws InterruptedException, CommandFailedException, java.io.IOException {
        List<Ledger.Entry> ledger = Ledger.read(layout.ledger());
        out.println("Ledger " + layout.ledger() + ": " + (ledger.isEmpty() ? "empty" : ""));
        ledger.forEach(e -> out.println("  " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + e.target()
                + " (" + e.detail() + ")"));
        List<HostScan.Found> found = new HostScan(disk).below(layout.workDir());
        out.println("Attached on the host below " + layout.workDir() + ": " + (found.isEmpty() ? "nothing" : ""));
        found.forEach(f -> out.println("  " + f));
        out.flush();
    }

    private static void listImagetool(PrintWriter out) throws java.io.IOException {
        List<String> attached = AttachTool.attachments();
        out.println("Attached by imagetool: " + (attached.isEmpty() ? "nothing" : ""));
        attached.forEach(line -> out.println("  " + line));
        out.flush();
    }

    private static int cleanup(WorkLayout layout, DiskTools disk, PrintWriter out, PrintWriter err)
            throws InterruptedException, CommandFailedException {
        List<String> released = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        HostScan scan = new HostScan(disk);
        // Steps still running hold their private mounts, and through them the loop and FUSE file: first.
        releaseEach(scan, HostScan.stepsLeftRunning(layout.workDir()), released, failures);
        try {
            released.addAll(new LeftoverReleaser(disk).release(Ledger.open(layout.ledger())));
        } catch (ReleaseException e) {
            failures.add(e.getMessage());
        }
        releaseEach(scan, scan.below(layout.workDir()), released, failures);
        released.forEach(line -> out.println("released " + line));
        if (released.isEmpty() && failures.isEmpty()) {
            out.println("Nothing of " + layout.workDir() + " was attached.");
        }
        out.flush();
        failures.forEach(line -> err.println("strata: could not release " + line));
        err.flush();
        if (failures.isEmpty()) {
            try {
                WorkDirs.unregister(layout.workDir());
            } catch (java.io.IOException e) {
                err.println("strata: " + e.getMessage());
            }
        }
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static void releaseEach(HostScan scan, List<HostScan.Found> things, List<String> released,
            List<String> failures) throws InterruptedException {
        for (HostScan.Found thing : things) {
            try {
                scan.release(thing);
                released.add(thing.toString());
            } catch (CommandFailedException | RuntimeException e) {
                failures.add(thing + ": " + e.getMessage());
            }
        }
    }
}
