package io.strata.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.strata.cache.PackageCache;
import io.strata.lock.LockFile;
import io.strata.lock.Scratch;

/**
 * Another process that holds a lock, as another build does: a second JVM that takes what its arguments
 * say, prints one line ({@code held PATH}) and waits to be killed. Tests kill it with SIGKILL, as a
 * crash would, to show that whatever it held is free again.
 */
public final class LockHolder implements AutoCloseable {

    private final Process process;
    private final String held;

    private LockHolder(Process process, String held) {
        this.process = process;
        this.held = held;
    }

    /** {@code lock FILE}, {@code shared FILE}, {@code scratch DIR NAME} or {@code lease CACHE}. */
    public static LockHolder start(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName()));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("held ")) {
            process.destroyForcibly();
            throw new IllegalStateException("the lock holder did not start: " + line);
        }
        return new LockHolder(process, line.substring(5));
    }

    /** What it holds: the lock file, the scratch directory, the lease's archive directory. */
    public Path held() {
        return Path.of(held);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static void main(String[] args) throws Exception {
        String held = switch (args[0]) {
            case "lock" -> LockFile.tryAcquire(Path.of(args[1]), "a test's other process").orElseThrow().file().toString();
            case "shared" -> {
                LockFile.acquireShared(Path.of(args[1]), () -> { });
                yield args[1];
            }
            case "scratch" -> Scratch.create(Path.of(args[1]), args[2], "a test's other process").dir().toString();
            case "lease" -> new PackageCache(Path.of(args[1])).lease("a test's other process").archives().toString();
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println("held " + held);
        System.out.flush();
        Thread.sleep(Duration.ofHours(1).toMillis());
    }
}
