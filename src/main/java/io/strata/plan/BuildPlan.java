package io.strata.plan;

import java.util.List;

/** Every stage of a build in the order they run, with what each does. */
public record BuildPlan(List<Stage> stages) {

    public BuildPlan {
        stages = List.copyOf(stages);
    }

    public List<Stage> running() {
        return stages.stream().filter(Stage::runs).toList();
    }
}
