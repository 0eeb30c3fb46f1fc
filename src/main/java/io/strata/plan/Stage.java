package io.strata.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A stage directory as the build will treat it. A skipped stage ({@code skippedBecause} present) does
 * not run; a later stage then builds on the last stage image that exists. {@code export} is its
 * EXPORT_IMAGE (a flashable disk image), {@code liveExport} its EXPORT_LIVE (squashfs, kernel, ISO).
 * {@code namedBase} is the stage its PREV_STAGE file names, when it has one: it builds on that stage
 * instead of the one before it in the list, which makes the stages a tree.
 */
public record Stage(String name, Path dir, Optional<String> skippedBecause, Optional<Path> prerun,
        List<SubStage> subStages, Optional<ExportRequest> export, Optional<ExportRequest> liveExport, List<String> notes,
        Optional<String> namedBase) {

    /** The file in a stage directory that names the stage it builds on. */
    public static final String BASE_FILE = "PREV_STAGE";

    public Stage {
        subStages = List.copyOf(subStages);
        notes = List.copyOf(notes);
    }

    public boolean runs() {
        return skippedBecause.isEmpty();
    }

    public boolean exports() {
        return runs() && export.map(ExportRequest::wanted).orElse(false);
    }

    public boolean exportsLive() {
        return runs() && liveExport.map(ExportRequest::wanted).orElse(false);
    }
}
