package io.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.strata.lock.LockFile;

/**
 * One build per work dir: an exclusive lock on {@code WORK_DIR/build.lock}, which names its holder.
 * The kernel drops the lock when the holding process ends, however it ends, so a killed build never
 * leaves a stale lock behind, and a held lock means a live build.
 */
public final class BuildLock implements AutoCloseable {

    /** Another build holds the work dir. */
    public static final class HeldException extends Exception {
        public HeldException(String message) {
            super(message);
        }
    }

    /** What {@code imagetool --cleanup} calls itself in the lock it takes. */
    public static final String CLEANUP = "./imagetool --cleanup";
    private static final int CLEANUP_WAIT_POLLS = 480;

    private final LockFile lock;

    private BuildLock(LockFile lock) {
        this.lock = lock;
    }

    /** Takes the lock, or says who holds it. {@code description} names this build for a later one. */
    public static BuildLock acquire(Path file, String description) throws HeldException {
        try {
            Files.createDirectories(file.getParent());
            Optional<LockFile> lock = LockFile.tryAcquire(file, description);
            // A cleanup holds a work dir only for the moment it takes to look at it: wait for that.
            for (int i = 0; i < CLEANUP_WAIT_POLLS && lock.isEmpty()
                    && LockFile.holder(file).map(h -> h.contains(CLEANUP)).orElse(true); i++) {
                Thread.sleep(250);
                lock = LockFile.tryAcquire(file, description);
            }
            if (lock.isEmpty()) {
                throw new HeldException("another build is using " + file.getParent() + ": "
                        + LockFile.holder(file).orElse("(it has just ended)") + "; wait for it to finish or stop it, "
                        + "or give this build its own WORK_DIR");
            }
            return new BuildLock(lock.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeldException("interrupted while waiting for " + file);
        }
    }

    /** What the lock file says of the live build that holds it: its PID, command and start; empty when none runs. */
    public static Optional<String> holder(Path file) {
        try {
            return LockFile.holder(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the build lock", e);
        }
    }
}
