package io.strata.reuse;

import java.util.Optional;

import io.strata.plan.Stage;

/**
 * What a build does with one stage, and why. {@code chainKey} is the key the next stage is keyed on:
 * this stage's key when it runs or is reused (the recorded one under CONTINUE=1).
 */
public record StageDecision(Stage stage, Action action, String reason, Optional<KeyInputs> inputs, String chainKey) {

    public enum Action {
        /** Run the stage's steps into a new image. */
        BUILD,
        /** Take the finished image as it is. */
        REUSE,
        /** Skipped; its finished image is the next stage's base. */
        SKIP_AS_BASE,
        /** Skipped; it has no usable image (one that was there is out of date and is removed). */
        SKIP
    }

    public boolean builds() {
        return action == Action.BUILD;
    }

    public boolean reused() {
        return action == Action.REUSE;
    }
}
