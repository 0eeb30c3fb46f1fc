package io.strata.plan;

import java.util.List;
import java.util.Optional;

/**
 * Every stage of a build in the order they run, with what each does. Each stage builds on the stage
 * its PREV_STAGE file names, or else on the stage before it in the list, as in pi-gen: the stages
 * form a tree whose branches share their common stages.
 */
public record BuildPlan(List<Stage> stages) {

    public BuildPlan {
        stages = List.copyOf(stages);
    }

    public List<Stage> running() {
        return stages.stream().filter(Stage::runs).toList();
    }

    /** The stage {@code stage} builds on, by the plan alone (a skipped one included); none for the first. */
    public Optional<Stage> buildsOn(Stage stage) {
        int at = stages.indexOf(stage);
        if (at < 0) {
            throw new IllegalArgumentException(stage.name() + " is not in this plan");
        }
        if (stage.namedBase().isPresent()) {
            String name = stage.namedBase().get();
            return stages.subList(0, at).stream().filter(s -> s.name().equals(name)).findFirst();
        }
        return at == 0 ? Optional.empty() : Optional.of(stages.get(at - 1));
    }
}
