package io.strata.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool from a test and returns its output. */
public final class Host {

    public record Result(int exitCode, String output) {
    }

    private Host() {
    }

    public static Result run(Path dir, String... argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(argv)).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.MINUTES)).as(String.join(" ", argv)).isTrue();
        return new Result(process.exitValue(), new String(out));
    }

    /** Runs a command that must succeed and returns its output. */
    public static String output(Path dir, String... argv) throws IOException, InterruptedException {
        Result result = run(dir, argv);
        assertThat(result.exitCode()).as(String.join(" ", argv) + ":\n" + result.output()).isZero();
        return result.output();
    }
}
