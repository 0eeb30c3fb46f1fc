package io.strata.engine;

import java.nio.file.Path;
import java.util.Map;

import io.strata.plan.Stage;

/** Turns a finished stage into deployable files (the stage's EXPORT_IMAGE). */
@FunctionalInterface
public interface Exporter {

    /**
     * Called once the stage's image is sealed (read-only, done): the export works on a copy, so the
     * stage image stays as it was. {@code environment} is what the stage's scripts saw.
     */
    void export(Stage stage, Path stageImage, Map<String, String> environment)
            throws StepFailedException, InterruptedException;
}
