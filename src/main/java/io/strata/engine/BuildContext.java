package io.strata.engine;

import io.strata.config.BuildConfig;

/** What every part of a running build reads: the config, the work dir's layout, the build log, Strata's scripts. */
public record BuildContext(BuildConfig config, WorkLayout layout, BuildLog log, RunTools tools) {
}
