package io.strata.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.Assertions;

/** Runs a host tool from a test and returns its output. */
public final class Host {

    public record Result(int exitCode, String output) {
    }

    private static final Duration DEFAULT_LIMIT = Duration.ofMinutes(30);

    private Host() {
    }

    public static Result run(Path dir, String... argv) throws IOException, InterruptedException {
        return run(DEFAULT_LIMIT, dir, Map.of(), argv);
    }

    /**
     * Runs {@code argv} in {@code dir} with {@code env} added, reading its output on a thread of its own so
     * that the time limit really fires: past it, the process is stopped and the
     * calling test fails with the output so far. The process gets SIGTERM first, so that a build releases
     * what it holds, and SIGKILL (with everything it started) only if it has not ended two minutes later.
     */
    public static Result run(Duration limit, Path dir, Map<String, String> env, String... argv)
            throws IOException, InterruptedException {
        return run(limit, dir, env, caller(), argv);
    }

    private static Result run(Duration limit, Path dir, Map<String, String> env, String caller, String... argv)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(measured(caller, argv)).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), out), "output of " + argv[0]);
        reader.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            // SIGTERM first: a build stopped so releases what it attached; SIGKILL what is left after that.
            process.destroy();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            Assertions.fail(String.join(" ", argv) + " did not finish within " + limit.toSeconds() + " s; its output:\n"
                    + snapshot(out));
        }
        reader.join();
        return new Result(process.exitValue(), snapshot(out));
    }

    /**
     * With STRATA_IT_CPU_LOG=FILE set (a diagnosis of the suite, not part of any check), each command
     * runs under /usr/bin/time, which appends its wall, user and system seconds, the test class and the
     * command (on one line) to FILE: where the suite's CPU time goes. It needs the time package.
     */
    private static List<String> measured(String caller, String... argv) {
        String log = System.getenv("STRATA_IT_CPU_LOG");
        if (log == null || log.isEmpty()) {
            return List.of(argv);
        }
        List<String> wrapped = new java.util.ArrayList<>(List.of("/usr/bin/time", "-a", "-o", log,
                "-f", "%e %U %S " + caller + " " + String.join(" ", argv).replace("%", "%%").replace('\n', ' ')));
        wrapped.addAll(List.of(argv));
        return wrapped;
    }

    /** The simple name of the integration test class that runs this command (for {@link #measured}). */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .map(name -> name.replaceAll("^.*\\.", "").replaceAll("\\$.*", ""))
                .filter(name -> name.endsWith("IT")).findFirst().orElse("?"));
    }

    /** {@link #run(Duration, Path, Map, String...)} on a thread of its own: for builds side by side. */
    public static java.util.concurrent.CompletableFuture<Result> start(Duration limit, Path dir, Map<String, String> env,
            String... argv) {
        java.util.concurrent.CompletableFuture<Result> result = new java.util.concurrent.CompletableFuture<>();
        String caller = caller();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(limit, dir, env, caller, argv));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "strata test: " + String.join(" ", argv));
        thread.start();
        return result;
    }

    /** Runs a command that must succeed and returns its output. */
    public static String output(Path dir, String... argv) throws IOException, InterruptedException {
        Result result = run(dir, argv);
        assertThat(result.exitCode()).as(String.join(" ", argv) + ":\n" + result.output()).isZero();
        return result.output();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String snapshot(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString();
        }
    }
}
