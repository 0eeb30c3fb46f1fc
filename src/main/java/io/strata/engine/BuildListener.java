package io.strata.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.strata.config.RegistryLocation;
import io.strata.plan.Stage;
import io.strata.store.StoredStage;

/**
 * Hears what a build does: the one path of the engine's events. The console's progress and the build
 * log ({@link LogListener}) are two listeners, joined by {@link #all}. Every method does nothing unless
 * overridden.
 */
public interface BuildListener {

    /**
     * A stage starts to build, on {@code buildsOn}'s image (none for the first); {@code why} says what
     * changed since its last finished image.
     */
    default void stageStarted(Stage stage, Optional<String> buildsOn, String why) {
    }

    default void stageReused(Stage stage, Path image, String why) {
    }

    /** A stage is taken from the stage store: {@code stored} names the build that made it. */
    default void stageFromStore(Stage stage, Path image, StoredStage stored) {
    }

    /** A stage the remote store gave is now in the local one. */
    default void stagePulled(Stage stage, RegistryLocation from, StoredStage stored) {
    }

    /** A sealed stage is kept in the stage store. */
    default void stageKept(Stage stage, StoredStage stored) {
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

    /** Every event to each of {@code listeners}, in their order. */
    static BuildListener all(List<BuildListener> listeners) {
        List<BuildListener> each = List.copyOf(listeners);
        return new BuildListener() {
            @Override
            public void stageStarted(Stage stage, Optional<String> buildsOn, String why) {
                each.forEach(l -> l.stageStarted(stage, buildsOn, why));
            }

            @Override
            public void stageReused(Stage stage, Path image, String why) {
                each.forEach(l -> l.stageReused(stage, image, why));
            }

            @Override
            public void stageFromStore(Stage stage, Path image, StoredStage stored) {
                each.forEach(l -> l.stageFromStore(stage, image, stored));
            }

            @Override
            public void stagePulled(Stage stage, RegistryLocation from, StoredStage stored) {
                each.forEach(l -> l.stagePulled(stage, from, stored));
            }

            @Override
            public void stageKept(Stage stage, StoredStage stored) {
                each.forEach(l -> l.stageKept(stage, stored));
            }

            @Override
            public void stageSkipped(Stage stage, String reason) {
                each.forEach(l -> l.stageSkipped(stage, reason));
            }

            @Override
            public void stageFinished(Stage stage, Path image, Duration took) {
                each.forEach(l -> l.stageFinished(stage, image, took));
            }

            @Override
            public void stepStarted(Stage stage, String step) {
                each.forEach(l -> l.stepStarted(stage, step));
            }

            @Override
            public void stepFinished(Stage stage, String step, Duration took) {
                each.forEach(l -> l.stepFinished(stage, step, took));
            }

            @Override
            public void note(Stage stage, String text) {
                each.forEach(l -> l.note(stage, text));
            }
        };
    }
}
