package io.strata.host;

import java.nio.file.Files;
import java.nio.file.Path;

import io.strata.exec.Programs;

/**
 * One line of {@code depends}: a tool the build runs (or, written as an absolute path, a file it
 * reads, such as a firmware image), and the Debian package that provides it.
 */
public record Requirement(String tool, String debianPackage) {

    /** Parses {@code tool[:package]}; without a package, the tool's name is the package's. */
    public static Requirement parse(String line) {
        String trimmed = line.trim();
        int colon = trimmed.indexOf(':');
        return colon < 0
                ? new Requirement(trimmed, trimmed)
                : new Requirement(trimmed.substring(0, colon), trimmed.substring(colon + 1));
    }

    /** Whether this host has it: a program on the search path, or the file at an absolute path. */
    public boolean isPresent() {
        return tool.startsWith("/") ? Files.isRegularFile(Path.of(tool)) : Programs.find(tool).isPresent();
    }
}
