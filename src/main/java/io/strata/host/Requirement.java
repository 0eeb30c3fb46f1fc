package io.strata.host;

/** One line of {@code depends}: a tool the build runs, and the Debian package that provides it. */
public record Requirement(String tool, String debianPackage) {

    /** Parses {@code tool[:package]}; without a package, the tool's name is the package's. */
    public static Requirement parse(String line) {
        String trimmed = line.trim();
        int colon = trimmed.indexOf(':');
        return colon < 0
                ? new Requirement(trimmed, trimmed)
                : new Requirement(trimmed.substring(0, colon), trimmed.substring(colon + 1));
    }
}
