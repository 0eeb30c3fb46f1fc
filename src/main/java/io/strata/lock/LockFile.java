package io.strata.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file (fcntl, through {@link FileChannel#tryLock()}), held until closed. The
 * kernel drops it when its process ends, however it ends, so a lock is held exactly while its holder
 * lives: a dead build can never leave one behind, and "nobody holds the lock" proves "nobody uses
 * what it guards". The file names its holder (PID and what it does) for whoever finds it taken.
 *
 * <p>fcntl locks belong to a process, and closing any descriptor of the file drops all of them. So
 * this JVM never opens a file it holds a lock on a second time: every lock it takes is noted here,
 * and {@link #isHeld} answers for those without touching the file.
 */
public final class LockFile implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    /** The locks this JVM holds, by absolute path. */
    private static final Map<Path, LockFile> HELD = new ConcurrentHashMap<>();
    /** The shared locks this JVM holds. */
    private static final Map<Path, Shared> SHARED = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, taken now, or empty while another process (or this one) holds it. */
    public static Optional<LockFile> tryAcquire(Path file, String holder) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (LockFile.class) {
            if (HELD.containsKey(key) || SHARED.containsKey(key)) {
                return Optional.empty();
            }
            FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    return Optional.empty();
                }
                LockFile held = new LockFile(key, channel, lock);
                HELD.put(key, held);
                held.describe(holder);
                return Optional.of(held);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /**
     * The lock, waited for as long as it takes; {@code whileWaiting} runs once, before the first wait,
     * with what the file says of its holder.
     */
    public static LockFile acquire(Path file, String holder, java.util.function.Consumer<String> whileWaiting)
            throws IOException, InterruptedException {
        boolean told = false;
        while (true) {
            Optional<LockFile> lock = tryAcquire(file, holder);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (!told) {
                whileWaiting.accept(holder(file).orElse("another build"));
                told = true;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * A shared lock on {@code file}, taken beside any other shared holder and waited for while someone
     * holds it exclusively (through {@link #tryAcquire}); {@code whileWaiting} runs once before the first
     * wait. In this JVM, one kernel lock serves every shared holder; it goes with the last.
     */
    public static Shared acquireShared(Path file, Runnable whileWaiting) throws IOException, InterruptedException {
        Path key = file.toAbsolutePath().normalize();
        boolean told = false;
        while (true) {
            synchronized (LockFile.class) {
                Shared shared = SHARED.get(key);
                if (shared != null) {
                    shared.holders++;
                    return shared;
                }
                if (!HELD.containsKey(key)) {
                    FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
                    if (lock != null) {
                        shared = new Shared(key, channel, lock);
                        SHARED.put(key, shared);
                        return shared;
                    }
                    channel.close();
                }
            }
            if (!told) {
                whileWaiting.run();
                told = true;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** A shared lock; closing it lets go of this holder's share. */
    public static final class Shared implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;
        private int holders = 1;

        private Shared(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            synchronized (LockFile.class) {
                if (--holders > 0) {
                    return;
                }
                SHARED.remove(file, this);
                try {
                    lock.release();
                } finally {
                    channel.close();
                }
            }
        }
    }

    /** Whether a live process holds the lock on {@code file} (false when there is no such file). */
    public static boolean isHeld(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (LockFile.class) {
            if (HELD.containsKey(key) || SHARED.containsKey(key)) {
                return true;
            }
            try (FileChannel channel = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe = channel.tryLock();
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (NoSuchFileException e) {
                return false;
            } catch (OverlappingFileLockException e) {
                return true;
            }
        }
    }

    /** What the lock file says of its holder, when a live process holds it. */
    public static Optional<String> holder(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        LockFile own = HELD.get(key);
        if (own != null) {
            return Optional.of(own.readHolder());
        }
        if (!isHeld(key)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(key).strip();
            return Optional.of(text.isEmpty() ? "(it has not said who it is)" : text);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public Path file() {
        return file;
    }

    /** Removes the lock file while still holding it, then lets go: for a lock that guarded something now gone. */
    public void closeAndDelete() throws IOException {
        Files.deleteIfExists(file);
        close();
    }

    @Override
    public void close() throws IOException {
        synchronized (LockFile.class) {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                HELD.remove(file, this);
                channel.close();
            }
        }
    }

    private void describe(String holder) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("PID " + ProcessHandle.current().pid() + ", " + holder + ", started " + Instant.now()
                + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    }

    private String readHolder() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }
}
