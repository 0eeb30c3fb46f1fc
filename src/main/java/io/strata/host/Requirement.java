package io.strata.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import io.strata.exec.Programs;

/**
 * One line of {@code depends}: a tool the build runs (or, written as an absolute path, a file it
 * reads, such as a firmware image), the Debian package that provides it, and the runs that need it
 * ({@code neededFor}, the {@link HostNeeds} words after {@code for}; empty: every run).
 */
public record Requirement(String tool, String debianPackage, Set<String> neededFor) {

    public Requirement {
        neededFor = Set.copyOf(neededFor);
    }

    /**
     * Parses {@code tool[:package] [for word[,word...]]}; without a package, the tool's name is the
     * package's. An unknown word is refused: depends is Strata's own file, so that is a typo of ours.
     */
    public static Requirement parse(String line) {
        String[] parts = line.trim().split("\\s+for\\s+", 2);
        Set<String> words = parts.length == 1 ? Set.of() : Set.copyOf(Arrays.asList(parts[1].trim().split("\\s*,\\s*")));
        for (String word : words) {
            if (!HostNeeds.KNOWN.contains(word)) {
                throw new IllegalArgumentException("depends: \"" + line.trim() + "\" names \"" + word
                        + "\"; the words after for are " + String.join(", ", new java.util.TreeSet<>(HostNeeds.KNOWN)));
            }
        }
        String tool = parts[0].trim();
        int colon = tool.indexOf(':');
        return colon < 0
                ? new Requirement(tool, tool, words)
                : new Requirement(tool.substring(0, colon), tool.substring(colon + 1), words);
    }

    /** Whether this host has it: a program on the search path, or the file at an absolute path. */
    public boolean isPresent() {
        return tool.startsWith("/") ? Files.isRegularFile(Path.of(tool)) : Programs.find(tool).isPresent();
    }
}
