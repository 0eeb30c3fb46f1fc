package io.strata.disk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.CommandResult;
import io.strata.exec.ProcessRunner;

/** qcow2 images, loop devices, filesystems and mounts, each attachment held in a {@link ResourceScope}. */
public final class DiskTools {

    private static final int BUSY_RETRIES = 10;
    /** No losetup, mount or umount takes this long unless the kernel or a FUSE server hangs. */
    static final Duration PLUMBING_LIMIT = Duration.ofMinutes(2);
    private static final Duration LOOP_LET_GO = Duration.ofSeconds(30);

    private final ProcessRunner runner;

    public DiskTools(ProcessRunner runner) {
        this.runner = runner;
    }

    public ProcessRunner runner() {
        return runner;
    }

    /** Creates a qcow2 image: a new one of {@code sizeBytes}, or one backed by {@code backing} (its size). */
    public void createQcow2(Path image, long sizeBytes, Optional<Path> backing) throws CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        backing.ifPresent(b -> argv.addAll(List.of("-b", b.toAbsolutePath().toString(), "-F", "qcow2")));
        argv.add(image.toString());
        if (backing.isEmpty()) {
            argv.add(Long.toString(sizeBytes));
        }
        runner.check(Command.of(argv));
    }

    /**
     * Makes {@code top} hold its whole chain on {@code backing} alone (or on nothing): qemu-img's safe
     * rebase copies into it every cluster the layers between them hold. (qemu-img convert -B would not
     * do: before QEMU 8 it copies only what the top layer itself holds.)
     */
    public void flatten(Path top, Optional<Path> backing) throws CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "rebase", "-q", "-f", "qcow2", "-b",
                backing.map(b -> b.toAbsolutePath().toString()).orElse("")));
        backing.ifPresent(b -> argv.addAll(List.of("-F", "qcow2")));
        argv.add(top.toAbsolutePath().toString());
        runner.check(Command.of(argv));
    }

    /** One ext4 filesystem over the whole device (what a stage image holds). */
    public void makeExt4(Path device, String label) throws CommandFailedException, InterruptedException {
        makeExt4(device, label, false);
    }

    /**
     * {@code linearDirectories}: without ext4's hashed directory index. A 32-bit program run through the
     * 64-bit qemu-user reads directories through a 64-bit process, so the kernel hands it 64-bit hash
     * positions, which its 32-bit readdir() cannot hold: it stops with EOVERFLOW and the program sees a
     * directory end early (dracut-install then found no block driver for an armhf initramfs). Without
     * the index a directory's positions are byte offsets, which fit.
     */
    public void makeExt4(Path device, String label, boolean linearDirectories) throws CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-E", "nodiscard", "-L", label));
        if (linearDirectories) {
            argv.addAll(List.of("-O", "^dir_index"));
        }
        argv.add(device.toString());
        runner.check(Command.of(argv));
    }

    /** Attaches a file to a free loop device. */
    public Path attachLoop(Path file, ResourceScope scope) throws CommandFailedException, InterruptedException {
        Path device = Path.of(runner.output(plumbing("losetup", "--find", "--show", file.toString())));
        scope.hold(Ledger.Kind.LOOP, device.toString(), file.toString(), () -> detachLoop(device));
        return device;
    }

    /**
     * Attaches a file read-only to a free loop device; with a size, only {@code size} bytes from
     * {@code offset} (one partition of a disk image: these hosts cannot scan partition tables).
     */
    public Path attachLoopReadOnly(Path file, long offset, long size, ResourceScope scope)
            throws CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("losetup", "--find", "--show", "--read-only"));
        if (size > 0) {
            argv.addAll(List.of("--offset", Long.toString(offset), "--sizelimit", Long.toString(size)));
        }
        argv.add(file.toString());
        Path device = Path.of(runner.output(Command.of(argv).withTimeout(PLUMBING_LIMIT)));
        scope.hold(Ledger.Kind.LOOP, device.toString(), file.toString(), () -> detachLoop(device));
        return device;
    }

    /** Mounts {@code device} read-only (of type {@code type}, or probed when null) on {@code dir}. */
    public void mountReadOnly(Path device, Path dir, String type, ResourceScope scope)
            throws CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("mount", "-o", "ro"));
        if (type != null) {
            argv.addAll(List.of("-t", type));
        }
        argv.addAll(List.of(device.toString(), dir.toString()));
        runner.check(Command.of(argv).withTimeout(PLUMBING_LIMIT));
        scope.hold(Ledger.Kind.MOUNT, dir.toString(), device.toString(), () -> unmountTree(dir));
    }

    /**
     * Detaches a loop device and waits until the kernel has let go of its file: the detach is
     * asynchronous, and a FUSE file under it stays busy until then. One already detached (by hand,
     * say) counts as released.
     */
    public void detachLoop(Path device) throws CommandFailedException, InterruptedException {
        if (!isAttachedLoop(device)) {
            return;
        }
        runner.run(plumbing("blockdev", "--flushbufs", device.toString()));
        try {
            retryWhileBusy(plumbing("losetup", "-d", device.toString()));
        } catch (CommandFailedException e) {
            if (isAttachedLoop(device)) {
                throw e;
            }
        }
        Path backing = Path.of("/sys/block", device.getFileName().toString(), "loop", "backing_file");
        if (!Waits.until(() -> !java.nio.file.Files.exists(backing), () -> true, LOOP_LET_GO)) {
            throw new CommandFailedException(Command.of("losetup", "-d", device.toString()), 1, List.of(),
                    "was detached, but the kernel still held its file after " + LOOP_LET_GO.toSeconds() + " s");
        }
    }

    /** A plumbing command (losetup, mount, umount, fusermount3, blockdev) with its time limit. */
    static Command plumbing(String... argv) {
        return Command.of(argv).withTimeout(PLUMBING_LIMIT);
    }

    private boolean isAttachedLoop(Path device) throws CommandFailedException, InterruptedException {
        String attached = runner.output(plumbing("losetup", "--list", "--noheadings", "--output", "NAME"));
        return attached.lines().map(String::strip).anyMatch(device.toString()::equals);
    }

    /** Mounts {@code device} on {@code dir}; releasing it unmounts whatever was mounted below it too. */
    public void mount(Path device, Path dir, ResourceScope scope) throws CommandFailedException, InterruptedException {
        runner.check(plumbing("mount", device.toString(), dir.toString()));
        scope.hold(Ledger.Kind.MOUNT, dir.toString(), device.toString(), () -> unmountTree(dir));
    }

    /** Unmounts {@code dir} and everything mounted below it, deepest first. */
    public void unmountTree(Path dir) throws CommandFailedException, InterruptedException {
        for (Path mountPoint : HostMounts.atOrBelow(dir)) {
            retryWhileBusy(plumbing("umount", mountPoint.toString()));
        }
    }

    /**
     * Runs a release command again, with a growing pause (at most 10 tries, about 9 s in all), only while
     * the kernel calls the resource busy; every other failure is final at once.
     */
    void retryWhileBusy(Command command) throws CommandFailedException, InterruptedException {
        Command limited = command.timeLimit().isPresent() ? command : command.withTimeout(PLUMBING_LIMIT);
        CommandResult result = runner.run(limited);
        for (int attempt = 1; !result.succeeded() && isBusy(result) && attempt < BUSY_RETRIES; attempt++) {
            Thread.sleep(Duration.ofMillis(200L * attempt).toMillis());
            result = runner.run(limited);
        }
        if (!result.succeeded()) {
            throw CommandFailedException.of(result);
        }
    }

    private static boolean isBusy(CommandResult result) {
        return String.join("\n", result.tail()).toLowerCase(java.util.Locale.ROOT).contains("busy");
    }
}
