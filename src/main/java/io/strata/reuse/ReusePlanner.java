package io.strata.reuse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.disk.QcowChain;
import io.strata.plan.BuildPlan;
import io.strata.plan.Stage;
import io.strata.reuse.StageDecision.Action;

/**
 * Decides, before anything runs, which stages are reused and which are rebuilt. A stage is reused when
 * its finished image records the key it would have now; a stage that is rebuilt takes every stage built
 * on it with it (their base changes), and leaves its siblings in the stage tree alone. On top, pi-gen's
 * switches: CLEAN=1 rebuilds every stage that runs, CONTINUE=1 reuses every finished stage up to the
 * first unfinished one, whatever changed.
 */
public final class ReusePlanner {

    private static final int CHANGES_SHOWN = 3;

    private final BuildConfig config;
    private final InputCollector inputs;
    private final Function<String, Path> doneMarker;
    private final Function<String, Path> stageImage;
    private final Function<String, Path> checkpointDir;

    public ReusePlanner(BuildConfig config, InputCollector inputs, Function<String, Path> doneMarker,
            Function<String, Path> stageImage, Function<String, Path> checkpointDir) {
        this.config = config;
        this.inputs = inputs;
        this.doneMarker = doneMarker;
        this.stageImage = stageImage;
        this.checkpointDir = checkpointDir;
    }

    public List<StageDecision> decide(BuildPlan plan) throws BadInputException {
        List<StageDecision> decisions = new ArrayList<>();
        Map<String, StageDecision> byName = new HashMap<>();
        // For each stage that is rebuilt: the first stage rebuilt on its way down the tree (itself, or an ancestor).
        Map<String, String> rebuiltFrom = new HashMap<>();
        boolean clean = config.clean();
        for (Stage stage : plan.stages()) {
            Optional<String> base = plan.buildsOn(stage).map(s -> imageOf(byName.get(s.name()))).orElse(Optional.empty());
            String previousKey = base.map(b -> byName.get(b).chainKey()).orElse("none");
            Optional<String> rebuiltBefore = base.map(rebuiltFrom::get);
            Optional<KeyRecord> record = finished(stage.name());
            StageDecision decision;
            if (!stage.runs()) {
                String why = stage.skippedBecause().orElseThrow();
                if (record.isPresent() && rebuiltBefore.isEmpty()) {
                    String key = record.get().key().orElse("unrecorded:" + stage.name());
                    decision = new StageDecision(stage, Action.SKIP_AS_BASE, why, Optional.empty(), key, base);
                } else {
                    decision = new StageDecision(stage, Action.SKIP, why, Optional.empty(), previousKey, base);
                }
            } else {
                decision = decide(stage, base, inputs.forStage(stage, previousKey), record, rebuiltBefore, clean);
                if (decision.builds()) {
                    rebuiltFrom.put(stage.name(), rebuiltBefore.orElse(stage.name()));
                }
            }
            byName.put(stage.name(), decision);
            decisions.add(decision);
        }
        return decisions;
    }

    private StageDecision decide(Stage stage, Optional<String> base, KeyInputs now, Optional<KeyRecord> record,
            Optional<String> rebuiltBefore, boolean clean) {
        if (rebuiltBefore.isPresent()) {
            return build(stage, base, now, rebuiltBefore.get() + " before it is rebuilt");
        } else if (clean) {
            return build(stage, base, now, "CLEAN=1");
        } else if (record.isEmpty()) {
            return build(stage, base, now, "it has no finished image" + resumption(stage, base, now));
        } else if (record.get().matches(now)) {
            return new StageDecision(stage, Action.REUSE, "nothing changed", Optional.of(now), now.key(), base);
        } else if (config.continueBuild()) {
            String changed = record.get().key().isPresent()
                    ? ", although " + now.changesSince(record.get().inputs(), CHANGES_SHOWN)
                    : "";
            return new StageDecision(stage, Action.REUSE, "CONTINUE=1" + changed, Optional.of(now),
                    record.get().key().orElse("unrecorded:" + stage.name()), base);
        } else if (record.get().key().isEmpty()) {
            return build(stage, base, now, "its finished image records no key (an older Strata made it)");
        }
        return build(stage, base, now, now.changesSince(record.get().inputs(), CHANGES_SHOWN) + resumption(stage, base, now));
    }

    /** Where a rebuild of the stage starts when its first substages' checkpoints hold (see Checkpoints), in words. */
    private String resumption(Stage stage, Optional<String> base, KeyInputs now) {
        Checkpoints checkpoints = Checkpoints.of(checkpointDir.apply(stage.name()), stage, now);
        int held = checkpoints.any() ? checkpoints.holding(Checkpoints.identity(base.map(stageImage))) : 0;
        if (held == 0) {
            return "";
        }
        List<String> segments = checkpoints.segments();
        return "; it resumes at " + segments.get(held) + " (the checkpoint after " + segments.get(held - 1) + " holds)";
    }

    /** The stage whose image a stage built on {@code decided} is backed by: itself, or, when it has no image, its base. */
    private static Optional<String> imageOf(StageDecision decided) {
        return decided.hasImage() ? Optional.of(decided.stage().name()) : decided.base();
    }

    private static StageDecision build(Stage stage, Optional<String> base, KeyInputs now, String why) {
        return new StageDecision(stage, Action.BUILD, why, Optional.of(now), now.key(), base);
    }

    /** The stage's record, when its image is there and so is every file of its backing chain (a stage store's layers). */
    private Optional<KeyRecord> finished(String stage) {
        Path marker = doneMarker.apply(stage);
        Path image = stageImage.apply(stage);
        return Files.exists(image) && QcowChain.whole(image) ? KeyRecord.read(marker) : Optional.empty();
    }
}
