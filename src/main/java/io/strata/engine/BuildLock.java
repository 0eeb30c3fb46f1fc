package io.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One build per work dir: an exclusive lock on {@code WORK_DIR/build.lock}, which names its holder.
 * The kernel drops the lock when the holding process ends, however it ends, so a killed build never
 * leaves a stale lock behind.
 */
public final class BuildLock implements AutoCloseable {

    /** Another build holds the work dir. */
    public static final class HeldException extends Exception {
        public HeldException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or says who holds it. {@code description} names this build for a later one. */
    public static BuildLock acquire(Path file, String description) throws HeldException {
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = Files.readString(file).strip();
                channel.close();
                throw new HeldException("another build is using " + file.getParent() + ": " + (holder.isEmpty()
                        ? "(it has not said which)" : holder) + "; wait for it to finish or stop it, or give this "
                        + "build its own WORK_DIR");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("PID " + ProcessHandle.current().pid() + ", " + description + ", started "
                    + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new BuildLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the build lock", e);
        }
    }
}
