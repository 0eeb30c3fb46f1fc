package io.strata.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Names a full file system as the cause of a failed build, which otherwise shows only as I/O errors. */
public final class DiskSpace {

    /** Below this much free space a build cannot go on: stage images grow in WORK_DIR. */
    static final long LOW = 64L << 20;

    private DiskSpace() {
    }

    public static Optional<String> whenFull(Path... dirs) {
        for (Path dir : dirs) {
            Path existing = dir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                continue;
            }
            try {
                long free = Files.getFileStore(existing).getUsableSpace();
                if (free < LOW) {
                    return Optional.of("the file system holding " + dir + " is full (" + (free >> 10) + " KiB free): "
                            + "the stage images could not grow; free space there, or set WORK_DIR (and DEPLOY_DIR) "
                            + "to a larger file system, then run the build again with CONTINUE=1");
                }
            } catch (IOException e) {
                // no answer about space: say nothing rather than guess
            }
        }
        return Optional.empty();
    }
}
