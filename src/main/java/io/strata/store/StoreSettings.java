package io.strata.store;

import java.nio.file.Path;
import java.util.Optional;

import io.strata.config.BuildConfig;

/** Where a build's stage store is, from its config. */
public final class StoreSettings {

    private StoreSettings() {
    }

    /** STAGE_STORE_DIR, unless it is empty (no store). */
    public static Optional<Path> dir(BuildConfig config) {
        String value = config.stageStoreDir();
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    /** STAGE_STORE_URL's registry, when one is set. */
    public static Optional<io.strata.config.RegistryLocation> url(BuildConfig config) {
        String value = config.stageStoreUrl();
        return value == null || value.isBlank() ? Optional.empty() : io.strata.config.RegistryLocation.parse(value);
    }

    /**
     * Whether a build may take stages from the store and add to it: not under CONTINUE=1, whose reused
     * stages are keyed on what they recorded, not on what they hold.
     */
    public static boolean usable(BuildConfig config) {
        return dir(config).isPresent() && !config.continueBuild();
    }
}
