package io.strata.config;

import java.util.Arrays;
import java.util.Optional;

/** The Debian releases Strata builds, each with its version number. */
public enum Release {
    BULLSEYE(11), BOOKWORM(12), TRIXIE(13);

    /** Strata's default: Debian's stable release. */
    public static final Release DEFAULT = TRIXIE;

    private final int version;

    Release(int version) {
        this.version = version;
    }

    public String codename() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public int version() {
        return version;
    }

    /** Whether Debian ships a kernel (and an installer) for i386 in this release: not since trixie. */
    public boolean hasI386Kernel() {
        return version <= 12;
    }

    /** Whether the release's own apt sources are deb822 files ({@code debian.sources}): from trixie on. */
    public boolean usesDeb822Sources() {
        return version >= 13;
    }

    /** The name Debian's archive signing key carries in its user ID: "(13/trixie)". */
    public String archiveKeyName() {
        return "(" + version + "/" + codename() + ")";
    }

    public static Optional<Release> fromCodename(String name) {
        return Arrays.stream(values()).filter(r -> r.codename().equals(name)).findFirst();
    }

    /** "bullseye (11), bookworm (12), trixie (13, the default)". */
    public static String known() {
        return String.join(", ", Arrays.stream(values()).map(r -> r.codename() + " (" + r.version
                + (r == DEFAULT ? ", the default" : "") + ")").toList());
    }
}
