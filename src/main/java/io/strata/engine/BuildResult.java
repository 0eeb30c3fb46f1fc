package io.strata.engine;

import java.nio.file.Path;
import java.util.List;

/** What a finished build left: the image of each stage, in order, and where the log is. */
public record BuildResult(List<Path> stageImages, Path log) {

    public BuildResult {
        stageImages = List.copyOf(stageImages);
    }
}
