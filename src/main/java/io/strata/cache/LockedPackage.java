package io.strata.cache;

/**
 * One line of a package lock (the {@code .lock} beside an image): a package at one version and
 * architecture, the SHA-256 of its .deb, the archive it came from ({@code host/path suite/component}), and
 * the priority and section that archive gives it ("-" when unknown): they can differ from the .deb's own,
 * and the bootstrap chooses the required packages by the archive's priority.
 */
public record LockedPackage(String name, String version, String architecture, String sha256, String archive,
        String priority, String section) {

    /** The .deb's name as apt keeps it in its archive directory (and the package cache): an epoch's ':' as "%3a". */
    public String debFileName() {
        return name + "_" + version.replace(":", "%3a") + "_" + architecture + ".deb";
    }

    /** "name version architecture": how the lock and apt's lists name one package. */
    public String key() {
        return name + " " + version + " " + architecture;
    }
}
