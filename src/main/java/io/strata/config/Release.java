package io.strata.config;

import java.util.Arrays;
import java.util.Optional;

/** The Debian releases Strata builds. */
public enum Release {
    BULLSEYE, BOOKWORM, TRIXIE;

    public String codename() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Release> fromCodename(String name) {
        return Arrays.stream(values()).filter(r -> r.codename().equals(name)).findFirst();
    }
}
