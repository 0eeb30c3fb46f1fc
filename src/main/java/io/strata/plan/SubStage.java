package io.strata.plan;

import java.nio.file.Path;
import java.util.List;

/** A numbered directory of a stage ({@code 00-configure}); {@code notes} say what was passed over and why. */
public record SubStage(String name, Path dir, boolean skipped, List<Step> steps, List<String> notes) {

    public SubStage {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }
}
