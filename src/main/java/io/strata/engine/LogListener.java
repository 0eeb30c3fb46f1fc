package io.strata.engine;

import java.nio.file.Path;
import java.util.Optional;

import io.strata.config.RegistryLocation;
import io.strata.plan.Stage;
import io.strata.store.StoredStage;

/** The build log's view of the engine's events: one timestamped line for each that a later reader needs. */
final class LogListener implements BuildListener {

    private final BuildLog log;

    LogListener(BuildLog log) {
        this.log = log;
    }

    @Override
    public void stageStarted(Stage stage, Optional<String> buildsOn, String why) {
        log.note("stage " + stage.name() + " from " + stage.dir() + buildsOn.map(p -> ", on " + p).orElse("")
                + ", rebuilt because " + why);
    }

    @Override
    public void stageReused(Stage stage, Path image, String why) {
        log.note("stage " + stage.name() + " reused (" + why + "): " + image);
    }

    @Override
    public void stageFromStore(Stage stage, Path image, StoredStage stored) {
        log.note("stage " + stage.name() + " reused from the stage store: " + stored.layer() + " (built for "
                + stored.builtFor() + " on " + stored.built() + ")");
    }

    @Override
    public void stagePulled(Stage stage, RegistryLocation from, StoredStage stored) {
        log.note("stage " + stage.name() + " pulled from " + from + " (" + (stored.size() >> 20) + " MiB)");
    }

    @Override
    public void stageKept(Stage stage, StoredStage stored) {
        log.note("stage " + stage.name() + " kept in the stage store: " + stored.layer() + " (" + (stored.size() >> 20)
                + " MiB)");
    }

    @Override
    public void stepStarted(Stage stage, String step) {
        log.note("stage " + stage.name() + ": " + step);
    }

    @Override
    public void note(Stage stage, String text) {
        log.note("stage " + stage.name() + ": " + text);
    }
}
