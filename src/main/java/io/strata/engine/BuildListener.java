package io.strata.engine;

import java.nio.file.Path;
import java.time.Duration;

import io.strata.plan.Stage;

/** Hears what a build does, for progress on the console. Every method does nothing unless overridden. */
public interface BuildListener {

    default void stageStarted(Stage stage) {
    }

    default void stageReused(Stage stage, Path image) {
    }

    default void stageSkipped(Stage stage, String reason) {
    }

    default void stageFinished(Stage stage, Path image, Duration took) {
    }

    default void stepStarted(Stage stage, String step) {
    }

    default void stepFinished(Stage stage, String step, Duration took) {
    }

    default void note(Stage stage, String text) {
    }

    BuildListener SILENT = new BuildListener() {
    };
}
