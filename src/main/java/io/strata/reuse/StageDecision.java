package io.strata.reuse;

import java.util.Optional;

import io.strata.plan.Stage;

/**
 * What a build does with one stage, and why. {@code chainKey} is the key a stage built on it is keyed
 * on: this stage's key when it runs or is reused (the recorded one under CONTINUE=1). {@code base} is
 * the stage whose image this one's image is backed by (for a skipped stage without an image: the
 * base a stage built on it gets instead).
 */
public record StageDecision(Stage stage, Action action, String reason, Optional<KeyInputs> inputs, String chainKey,
        Optional<String> base) {

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

    /** Whether the stage has an image a later stage can build on. */
    public boolean hasImage() {
        return action != Action.SKIP;
    }
}
