package io.strata.boot;

import io.strata.config.BuildConfig;

/** Who the boot check logs in as: the first user of a disk image, the live user of a live ISO. */
record Login(String user, String password) {

    static Login firstUser(BuildConfig config) {
        return new Login(config.firstUserName(), config.firstUserPassword());
    }

    /** LIVE_USER is NAME/PASSWORD. */
    static Login live(BuildConfig config) {
        String value = config.liveUser();
        int slash = value.indexOf('/');
        return new Login(value.substring(0, slash), value.substring(slash + 1));
    }
}
