package io.strata.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.strata.exec.BackgroundProcess;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ExitStatus;

/**
 * Attaches a qcow2 without the kernel's nbd driver: qemu-nbd serves it on a unix socket, nbdfuse
 * shows that export as a file, and a loop device makes the file a block device. Both servers run in a
 * session of their own, so a Ctrl-C at the terminal reaches the build, which releases them in order,
 * rather than killing them under a mounted filesystem.
 */
final class FuseNbdAttacher implements QcowAttacher {

    /** The file nbdfuse shows the export as, in its own FUSE mount. */
    static final String FUSE_FILE = "disk";

    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final DiskTools tools;
    private final Path runDir;

    FuseNbdAttacher(DiskTools tools, Path runDir) {
        this.tools = tools;
        this.runDir = runDir;
    }

    @Override
    public Path attach(Path qcow2, ResourceScope scope, boolean readOnly) throws CommandFailedException, InterruptedException {
        Path dir = runDir.resolve("nbd-" + qcow2.getFileName().toString().replace(".qcow2", ""));
        Path socket = dir.resolve("nbd.sock");
        Path fuseDir = dir.resolve("fuse");
        Path blockFile = fuseDir.resolve(FUSE_FILE);
        prepare(dir, socket, fuseDir);

        BackgroundProcess server = tools.runner().startDaemon(Command.of("setsid", "qemu-nbd", "--socket=" + socket,
                "--format=qcow2", "--persistent", readOnly ? "--read-only" : "--discard=unmap", "--cache=writeback",
                qcow2.toAbsolutePath().toString()));
        scope.hold(Ledger.Kind.PROCESS, Long.toString(server.pid()), "qemu-nbd " + qcow2, () -> stopServer(server, qcow2));
        if (!Waits.until(() -> Files.exists(socket), server::isAlive, START_LIMIT)) {
            throw failedToStart("qemu-nbd", qcow2, "its socket " + socket + " did not appear ("
                    + (server.isAlive() ? "still waiting" : server.exitStatus()) + ")");
        }

        Command fuseCommand = readOnly
                ? Command.of("setsid", "nbdfuse", "--readonly", blockFile.toString(), "nbd+unix:///?socket=" + socket)
                : Command.of("setsid", "nbdfuse", blockFile.toString(), "nbd+unix:///?socket=" + socket);
        BackgroundProcess fuse = tools.runner().start(fuseCommand);
        scope.hold(Ledger.Kind.FUSE, fuseDir.toString(), Long.toString(fuse.pid()), () -> stopFuse(fuse, fuseDir));
        if (!Waits.until(() -> Files.exists(blockFile), fuse::isAlive, START_LIMIT)) {
            throw failedToStart("nbdfuse", qcow2, "the FUSE file " + blockFile + " did not appear");
        }
        return readOnly ? tools.attachLoopReadOnly(blockFile, 0, 0, scope) : tools.attachLoop(blockFile, scope);
    }

    private void stopFuse(BackgroundProcess fuse, Path fuseDir) throws CommandFailedException, InterruptedException {
        if (HostMounts.isMountPoint(fuseDir)) {
            tools.retryWhileBusy(Command.of("fusermount3", "-u", fuseDir.toString()));
        }
        if (!fuse.awaitExit(STOP_GRACE)) {
            fuse.stop(Duration.ofSeconds(5));
        }
    }

    private static void stopServer(BackgroundProcess server, Path qcow2) throws InterruptedException {
        ExitStatus status = server.stop(STOP_GRACE);
        if (!status.succeeded()) {
            throw new IllegalStateException("qemu-nbd serving " + qcow2 + " ended with " + status
                    + ": the image may not hold every write");
        }
    }

    private static void prepare(Path dir, Path socket, Path fuseDir) {
        try {
            Files.createDirectories(fuseDir);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    private static CommandFailedException failedToStart(String program, Path qcow2, String why) {
        return new CommandFailedException(Command.of(program, qcow2.toString()), -1, List.of(),
                "did not start: " + why + "; see the build log");
    }
}
