package io.strata.disk;

import io.strata.exec.ProcessRunner;

/**
 * What a build attaches images with: the disk tools, the attacher of qcow2 images, and the scope that
 * holds (in the work dir's ledger) and releases everything they attach.
 */
public record DiskAccess(DiskTools tools, QcowAttacher attacher, ResourceScope scope) {

    /** The runner the disk tools run their commands with. */
    public ProcessRunner runner() {
        return tools.runner();
    }
}
