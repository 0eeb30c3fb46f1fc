package io.strata.engine;

import java.nio.file.Path;
import java.time.Duration;

import io.strata.plan.Stage;

/** Hears what a build does, for progress on the console. Every method does nothing unless overridden. */
public interface BuildListener {

    /** A stage starts to build; {@code why} says what changed since its last finished image. */
    default void stageStarted(Stage stage, String why) {
    }

    default void stageReused(Stage stage, Path image, String why) {
    }

    /** A stage is taken from the stage store: {@code builtFor} is the IMG_NAME of the build that made it. */
    default void stageFromStore(Stage stage, Path image, String builtFor, java.time.Instant built) {
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
