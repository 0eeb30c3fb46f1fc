package io.strata.engine;

import java.nio.file.Path;

/**
 * Where a build keeps its files: one qcow2 image per stage and its done marker, each stage's work
 * directory with the mount point of its root filesystem, the build log, the ledger and the helpers.
 */
public record WorkLayout(Path workDir) {

    public Path stageImage(String stage) {
        return workDir.resolve("image-" + stage + ".qcow2");
    }

    public Path doneMarker(String stage) {
        return workDir.resolve(stage + ".done");
    }

    /** What the last {@code kind} export of a stage was made from and which files it deployed. */
    public Path exportRecord(String stage, String kind) {
        return workDir.resolve(stage + ".export-" + kind);
    }

    /** A stage's substage checkpoints: one qcow2 layer per segment but the last (see reuse.Checkpoints). */
    public Path checkpointDir(String stage) {
        return workDir.resolve("checkpoints").resolve(stage);
    }

    public Path stageWorkDir(String stage) {
        return workDir.resolve(stage);
    }

    public Path rootfs(String stage) {
        return stageWorkDir(stage).resolve("rootfs");
    }

    public Path exportDir() {
        return workDir.resolve("export");
    }

    public Path runDir() {
        return workDir.resolve("run");
    }

    public Path ledger() {
        return workDir.resolve("ledger.yaml");
    }

    public Path lock() {
        return workDir.resolve("build.lock");
    }

    public Path log() {
        return workDir.resolve("build.log");
    }
}
