package io.strata.disk;

import java.nio.file.Files;
import java.nio.file.Path;

import io.strata.exec.CommandFailedException;

/** Makes a qcow2 image a block device the host can format and mount. */
public interface QcowAttacher {

    /** Attaches {@code qcow2} read-write; every piece is held in {@code scope}. Returns the block device. */
    default Path attach(Path qcow2, ResourceScope scope) throws CommandFailedException, InterruptedException {
        return attach(qcow2, scope, false);
    }

    /** Attaches {@code qcow2}, read-only when asked (a done stage image is never written again). */
    Path attach(Path qcow2, ResourceScope scope, boolean readOnly) throws CommandFailedException, InterruptedException;

    /**
     * The kernel's nbd driver where the host has it; qemu-nbd on a unix socket behind a FUSE file and a
     * loop device where it does not (containers, CI runners). STRATA_NBD=fuse forces the second.
     */
    static QcowAttacher forHost(DiskTools tools, Path runDir) {
        boolean kernelNbd = Files.exists(Path.of("/sys/block/nbd0")) && Files.exists(Path.of("/dev/nbd0"));
        if (kernelNbd && !"fuse".equals(System.getenv("STRATA_NBD"))) {
            return new KernelNbdAttacher(tools);
        }
        return new FuseNbdAttacher(tools, runDir);
    }
}
