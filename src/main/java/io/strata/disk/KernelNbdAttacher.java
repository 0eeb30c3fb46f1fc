package io.strata.disk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;

/** Attaches a qcow2 to a free {@code /dev/nbdN} with {@code qemu-nbd --connect}, on hosts whose kernel has nbd. */
final class KernelNbdAttacher implements QcowAttacher {

    private static final int DEVICES = 16;

    private final DiskTools tools;

    KernelNbdAttacher(DiskTools tools) {
        this.tools = tools;
    }

    @Override
    public Path attach(Path qcow2, ResourceScope scope, boolean readOnly) throws CommandFailedException, InterruptedException {
        for (int n = 0; n < DEVICES; n++) {
            Path device = Path.of("/dev/nbd" + n);
            boolean free = Files.exists(device) && !Files.exists(Path.of("/sys/block/nbd" + n + "/pid"));
            if (free && tools.runner().run(Command.of("qemu-nbd", "--connect=" + device, "--format=qcow2",
                    readOnly ? "--read-only" : "--discard=unmap", qcow2.toAbsolutePath().toString())).succeeded()) {
                scope.hold(Ledger.Kind.NBD, device.toString(), qcow2.toString(),
                        () -> tools.runner().check(Command.of("qemu-nbd", "--disconnect", device.toString())));
                return device;
            }
        }
        throw new CommandFailedException(Command.of("qemu-nbd", "--connect", qcow2.toString()), -1, List.of(),
                "found no free /dev/nbdN: disconnect one with `qemu-nbd --disconnect`, or run with STRATA_NBD=fuse");
    }
}
