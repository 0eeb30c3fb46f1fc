package io.strata.engine;

import io.strata.plan.ExportRequest;

/** Turns a finished stage's root filesystem into deployable files (the stage's EXPORT_IMAGE). */
@FunctionalInterface
public interface Exporter {

    /** Called after the stage's steps, with its root filesystem still mounted at {@code stage.rootfs()}. */
    void export(StageContext stage, ExportRequest request) throws StepFailedException, InterruptedException;
}
