package io.strata.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One external command: an argument list (never a shell string), the environment it adds to the
 * JVM's own, an optional working directory, an optional file fed to its standard input, an optional
 * file its standard output goes to (instead of a shell's {@code > file}) and an optional timeout.
 */
public record Command(List<String> argv, Map<String, String> env, Path directory, Path stdin, Path stdout,
        Duration timeout) {

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program name");
        }
        env = Map.copyOf(env);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), Map.of(), null, null, null, null);
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), null, null, null, null);
    }

    public Command withEnv(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(extra);
        return new Command(argv, merged, directory, stdin, stdout, timeout);
    }

    public Command inDirectory(Path dir) {
        return new Command(argv, env, Objects.requireNonNull(dir), stdin, stdout, timeout);
    }

    public Command withStdin(Path file) {
        return new Command(argv, env, directory, Objects.requireNonNull(file), stdout, timeout);
    }

    /** Standard output goes to {@code file} (created or truncated); standard error still goes to the log. */
    public Command withStdout(Path file) {
        return new Command(argv, env, directory, stdin, Objects.requireNonNull(file), timeout);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, env, directory, stdin, stdout, Objects.requireNonNull(limit));
    }

    public Optional<Path> stdoutFile() {
        return Optional.ofNullable(stdout);
    }

    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(directory);
    }

    public Optional<Duration> timeLimit() {
        return Optional.ofNullable(timeout);
    }

    public String program() {
        return argv.get(0);
    }

    /** The command line as a user would type it, for messages. */
    public String display() {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            boolean plain = !arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0);
            out.append(plain ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return out.toString();
    }
}
