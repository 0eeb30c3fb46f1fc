package io.strata.engine;

import java.nio.file.Path;
import java.util.Map;

import io.strata.plan.Stage;

/** A running stage: where its root filesystem is mounted and the environment its scripts get. */
public record StageContext(Stage stage, Path rootfs, Path stageWorkDir, Map<String, String> environment) {

    public StageContext {
        environment = Map.copyOf(environment);
    }
}
