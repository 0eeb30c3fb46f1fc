package io.strata.plan;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A stage's {@code EXPORT_IMAGE} (or {@code EXPORT_NOOBS}, {@code EXPORT_LIVE}) file: the stage is exported after it runs,
 * unless {@code skippedBecause} says why not (a SKIP_IMAGES file, SKIP_IMAGES_LIST).
 */
public record ExportRequest(Path file, Optional<String> skippedBecause) {

    public boolean wanted() {
        return skippedBecause.isEmpty();
    }
}
