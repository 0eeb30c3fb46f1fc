package io.strata.reuse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.plan.BuildPlan;
import io.strata.plan.Stage;
import io.strata.reuse.StageDecision.Action;

/**
 * Decides, before anything runs, which stages are reused and which are rebuilt. A stage is reused when
 * its finished image records the key it would have now; the first stage that is rebuilt takes every
 * later stage with it (their base changes). On top, pi-gen's switches: CLEAN=1 rebuilds every stage
 * that runs, CONTINUE=1 reuses every finished stage up to the first unfinished one, whatever changed.
 */
public final class ReusePlanner {

    private static final int CHANGES_SHOWN = 3;

    private final BuildConfig config;
    private final InputCollector inputs;
    private final Function<String, Path> doneMarker;
    private final Function<String, Path> stageImage;

    public ReusePlanner(BuildConfig config, InputCollector inputs, Function<String, Path> doneMarker,
            Function<String, Path> stageImage) {
        this.config = config;
        this.inputs = inputs;
        this.doneMarker = doneMarker;
        this.stageImage = stageImage;
    }

    public List<StageDecision> decide(BuildPlan plan) throws BadInputException {
        List<StageDecision> decisions = new ArrayList<>();
        String previousKey = "none";
        Optional<String> rebuiltBefore = Optional.empty();
        boolean clean = "1".equals(config.variable("CLEAN"));
        for (Stage stage : plan.stages()) {
            Optional<KeyRecord> record = finished(stage.name());
            if (!stage.runs()) {
                String why = stage.skippedBecause().orElseThrow();
                if (record.isPresent() && rebuiltBefore.isEmpty()) {
                    previousKey = record.get().key().orElse("unrecorded:" + stage.name());
                    decisions.add(new StageDecision(stage, Action.SKIP_AS_BASE, why, Optional.empty(), previousKey));
                } else {
                    decisions.add(new StageDecision(stage, Action.SKIP, why, Optional.empty(), previousKey));
                }
                continue;
            }
            KeyInputs now = inputs.forStage(stage, previousKey);
            StageDecision decision;
            if (rebuiltBefore.isPresent()) {
                decision = build(stage, now, rebuiltBefore.get() + " before it is rebuilt");
            } else if (clean) {
                decision = build(stage, now, "CLEAN=1");
            } else if (record.isEmpty()) {
                decision = build(stage, now, "it has no finished image");
            } else if (record.get().matches(now)) {
                decision = new StageDecision(stage, Action.REUSE, "nothing changed", Optional.of(now), now.key());
            } else if (config.continueBuild()) {
                String changed = record.get().key().isPresent()
                        ? ", although " + now.changesSince(record.get().inputs(), CHANGES_SHOWN)
                        : "";
                decision = new StageDecision(stage, Action.REUSE, "CONTINUE=1" + changed, Optional.of(now),
                        record.get().key().orElse("unrecorded:" + stage.name()));
            } else if (record.get().key().isEmpty()) {
                decision = build(stage, now, "its finished image records no key (an older Strata made it)");
            } else {
                decision = build(stage, now, now.changesSince(record.get().inputs(), CHANGES_SHOWN));
            }
            if (decision.builds()) {
                rebuiltBefore = Optional.of(stage.name());
            }
            previousKey = decision.chainKey();
            decisions.add(decision);
        }
        return decisions;
    }

    private static StageDecision build(Stage stage, KeyInputs now, String why) {
        return new StageDecision(stage, Action.BUILD, why, Optional.of(now), now.key());
    }

    private Optional<KeyRecord> finished(String stage) {
        Path marker = doneMarker.apply(stage);
        return Files.exists(stageImage.apply(stage)) ? KeyRecord.read(marker) : Optional.empty();
    }
}
