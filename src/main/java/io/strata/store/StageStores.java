package io.strata.store;

import java.util.Map;
import java.util.Optional;

import io.strata.config.BuildConfig;
import io.strata.exec.ProcessRunner;

/** The stage stores a build uses: the local one (STAGE_STORE_DIR) and the registry behind it (STAGE_STORE_URL). */
public record StageStores(Optional<LocalStageStore> local, Optional<RegistryStore> remote) {

    public static final StageStores NONE = new StageStores(Optional.empty(), Optional.empty());

    /** The stores {@code config} names, or none when it may not use them ({@link StoreSettings#usable}). */
    public static StageStores of(BuildConfig config, ProcessRunner runner, Map<String, String> environment) {
        if (!StoreSettings.usable(config)) {
            return NONE;
        }
        return new StageStores(StoreSettings.dir(config).map(d -> new LocalStageStore(d, runner)),
                StoreSettings.url(config).map(u -> new RegistryStore(u, runner, environment)));
    }
}
