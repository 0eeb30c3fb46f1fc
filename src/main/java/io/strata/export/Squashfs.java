package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.strata.exec.Command;
import io.strata.exec.CommandResult;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * Writes a live system's filesystem.squashfs and checks it: mksquashfs can fail without saying so
 * (a full disk leaves a few KiB of junk), so a squashfs under 1 MiB counts as failed, as the
 * vmdebootstrap seed warns.
 */
final class Squashfs {

    /** The smallest squashfs taken as real. */
    static final long MIN_BYTES = 1L << 20;

    /** mksquashfs failed, or wrote less than a system. */
    static final class FailedException extends Exception {
        private static final long serialVersionUID = 1L;

        FailedException(String message) {
            super(message);
        }
    }

    private Squashfs() {
    }

    /** mksquashfs of {@code source}; SOURCE_DATE_EPOCH dates the file system and clamps its files' times. */
    static void write(ProcessRunner runner, Path source, Path target, String compression, Instant sourceDate)
            throws FailedException, CommandFailedException, InterruptedException, IOException {
        Files.deleteIfExists(target);
        CommandResult result = runner.run(Command.of("mksquashfs", source.toString(), target.toString(), "-noappend",
                "-comp", compression, "-no-progress")
                .withEnv(Map.of("SOURCE_DATE_EPOCH", Long.toString(sourceDate.getEpochSecond()))));
        if (!result.succeeded()) {
            throw new FailedException("mksquashfs failed (exit " + result.exitCode() + "): "
                    + String.join(" | ", lastLines(result.tail(), 5)));
        }
        check(target);
    }

    /** A squashfs that is missing or smaller than {@link #MIN_BYTES} is a failed one. */
    static void check(Path squashfs) throws FailedException, IOException {
        long size = Files.exists(squashfs) ? Files.size(squashfs) : -1;
        if (size < MIN_BYTES) {
            throw new FailedException(size < 0 ? "mksquashfs wrote no " + squashfs.getFileName()
                    : "mksquashfs wrote only " + size + " bytes to " + squashfs.getFileName() + ", less than the 1 MiB "
                            + "any system takes: it does this without an error when the disk fills up (check the free "
                            + "space of " + squashfs.getParent() + ")");
        }
    }

    private static List<String> lastLines(List<String> lines, int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }
}
