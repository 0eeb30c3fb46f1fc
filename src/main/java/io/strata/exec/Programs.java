package io.strata.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds installed programs the way a root shell would, sbin directories included. */
public final class Programs {

    /** Where a root shell looks, and what a search without PATH falls back to. */
    public static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Programs() {
    }

    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        return onPath(name, System.getenv().getOrDefault("PATH", "") + ":" + SYSTEM_PATH);
    }

    /** {@code name} in the directories of {@code searchPath} (a PATH value; empty entries are skipped). */
    public static Optional<Path> onPath(String name, String searchPath) {
        for (String dir : searchPath.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
