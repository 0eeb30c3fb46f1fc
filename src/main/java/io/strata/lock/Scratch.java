package io.strata.lock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.commons.io.file.PathUtils;

/**
 * Work in progress in a place many builds share (the stage store's {@code tmp/}, the package cache's
 * {@code leases/}): a private directory {@code NAME} with a lock {@code NAME.lock} beside it, taken
 * before the directory exists and held while it lives. What a killed process left is recognised by
 * its lock, which nobody holds any more, and {@link #sweep} removes it; age alone never decides.
 */
public final class Scratch implements AutoCloseable {

    private static final AtomicLong COUNTER = new AtomicLong();
    static final String LOCK = ".lock";
    /** How old a lock file without its entry, or an entry without its lock, must be before a sweep takes it. */
    private static final Duration UNPAIRED_AGE = Duration.ofHours(1);

    private final Path dir;
    private final LockFile lock;

    private Scratch(Path dir, LockFile lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /** A new scratch directory {@code parent/NAME-PID-N}, owner-only, with its lock held. */
    public static Scratch create(Path parent, String name, String holder) throws IOException {
        createPrivateDirectory(parent);
        String unique = name + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Path dir = parent.resolve(unique);
        LockFile lock = LockFile.tryAcquire(parent.resolve(unique + LOCK), holder)
                .orElseThrow(() -> new IOException("cannot lock " + dir + ": its name is taken"));
        try {
            if (Files.exists(dir)) {
                PathUtils.deleteDirectory(dir); // a dead process of the same PID left it
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return new Scratch(dir, lock);
        } catch (IOException | RuntimeException e) {
            lock.closeAndDelete();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    /** Removes what is left of the directory (nothing, when it was renamed into place), then its lock. */
    @Override
    public void close() throws IOException {
        try {
            deleteEntry(dir);
        } finally {
            lock.closeAndDelete();
        }
    }

    /**
     * Removes every entry of {@code parent} whose lock no live process holds, and the lock with it.
     * An entry without a lock file (an older Strata's), or a lock file alone, goes only once it is an
     * hour old: its maker may be between taking the lock and making the entry.
     * Returns the entries removed.
     */
    public static List<Path> sweep(Path parent) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return removed;
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(parent)) {
            entries = list.sorted().toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.endsWith(LOCK)) {
                Path guarded = entry.resolveSibling(name.substring(0, name.length() - LOCK.length()));
                if (!Files.exists(guarded) && olderThan(entry, UNPAIRED_AGE)) {
                    Optional<LockFile> lone = LockFile.tryAcquire(entry, "sweeping " + parent);
                    if (lone.isPresent()) {
                        lone.get().closeAndDelete();
                    }
                }
                continue;
            }
            Path lockFile = entry.resolveSibling(name + LOCK);
            if (!Files.exists(lockFile)) {
                if (olderThan(entry, UNPAIRED_AGE)) {
                    deleteEntry(entry);
                    removed.add(entry);
                }
                continue;
            }
            Optional<LockFile> dead = LockFile.tryAcquire(lockFile, "sweeping " + parent);
            if (dead.isPresent()) {
                try {
                    deleteEntry(entry);
                    removed.add(entry);
                } finally {
                    dead.get().closeAndDelete();
                }
            }
        }
        return removed;
    }

    private static boolean olderThan(Path file, Duration age) throws IOException {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(age));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private static void deleteEntry(Path entry) throws IOException {
        if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            makeWritable(entry);
            PathUtils.deleteDirectory(entry);
        } else {
            Files.deleteIfExists(entry);
        }
    }

    /** A scratch copy of a sealed image is read-only; its directory must be writable for it to go. */
    private static void makeWritable(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    static Path createPrivateDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            Files.createDirectories(path);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        }
        return path;
    }
}
