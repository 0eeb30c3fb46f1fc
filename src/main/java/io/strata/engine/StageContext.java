package io.strata.engine;

import java.nio.file.Path;
import java.util.Map;

import io.strata.plan.Stage;

/**
 * A running stage: where its root filesystem is mounted, the environment its scripts get, and its apt
 * archive directory (a lease of the package cache, published after each step).
 */
public record StageContext(Stage stage, Path rootfs, Path stageWorkDir, Map<String, String> environment,
        AptArchives archives) {

    public StageContext {
        environment = Map.copyOf(environment);
    }
}
