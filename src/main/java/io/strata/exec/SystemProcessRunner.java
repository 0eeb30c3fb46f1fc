package io.strata.exec;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The one runner of external commands, over {@link ProcessBuilder}. Standard output and standard
 * error are drained at the same time, every line goes to the sink (the build log) as it comes,
 * and the pumps are joined before the result is read.
 */
public final class SystemProcessRunner implements ProcessRunner {

    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final LineSink sink;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    public SystemProcessRunner(LineSink sink) {
        this.sink = sink;
    }

    @Override
    public CommandResult run(Command command) throws CommandFailedException, InterruptedException {
        Process process = launch(command);
        running.add(process);
        try {
            OutputTail tail = new OutputTail();
            StringBuilder stdout = new StringBuilder();
            StreamPump out = StreamPump.start("stdout " + command.program(), process.getInputStream(), line -> {
                synchronized (stdout) {
                    stdout.append(line).append('\n');
                }
                tail.add(line);
                sink.line(line);
            });
            StreamPump err = StreamPump.start("stderr " + command.program(), process.getErrorStream(), line -> {
                tail.add(line);
                sink.line(line);
            });
            if (!awaitEnd(process, command)) {
                destroyTree(process);
                out.join();
                err.join();
                throw new CommandFailedException(command, -1, tail.lines(),
                        "did not finish within " + command.timeLimit().orElseThrow().toSeconds() + " s and was stopped");
            }
            out.join();
            err.join();
            synchronized (stdout) {
                return new CommandResult(command, process.exitValue(), stdout.toString(), tail.lines());
            }
        } catch (InterruptedException e) {
            destroyTree(process);
            throw e;
        } finally {
            running.remove(process);
        }
    }

    @Override
    public BackgroundProcess start(Command command) throws CommandFailedException {
        Process process = launch(command);
        StreamPump.start("stdout " + command.program(), process.getInputStream(), sink::line);
        StreamPump.start("stderr " + command.program(), process.getErrorStream(), sink::line);
        return new JavaBackgroundProcess(process);
    }

    @Override
    public BackgroundProcess startDaemon(Command command) throws CommandFailedException {
        return JnrDaemon.start(command.argv(), sink);
    }

    @Override
    public Process startConversation(Command command) throws CommandFailedException {
        ProcessBuilder builder = builder(command).redirectErrorStream(true);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new CommandFailedException(command, -1, List.of(), "could not start: " + e.getMessage());
        }
    }

    @Override
    public ExitStatus runAttached(Command command) throws CommandFailedException, InterruptedException {
        ProcessBuilder builder = builder(command).inheritIO();
        try {
            return decode(builder.start().waitFor());
        } catch (IOException e) {
            throw new CommandFailedException(command, -1, List.of(), "could not start: " + e.getMessage());
        }
    }

    /** Java reports death by signal N as 128 + N. */
    static ExitStatus decode(int javaExitValue) {
        return javaExitValue > 128 ? ExitStatus.killedBy(javaExitValue - 128) : ExitStatus.exited(javaExitValue);
    }

    @Override
    public void stopAll() {
        running.forEach(SystemProcessRunner::destroyTree);
    }

    private static ProcessBuilder builder(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        builder.environment().putAll(command.env());
        command.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
        return builder;
    }

    private Process launch(Command command) throws CommandFailedException {
        ProcessBuilder builder = builder(command);
        builder.redirectInput(command.stdin() == null
                ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(command.stdin().toFile()));
        command.stdoutFile().ifPresent(file -> builder.redirectOutput(file.toFile()));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new CommandFailedException(command, -1, List.of(), "could not start: " + e.getMessage());
        }
    }

    private static boolean awaitEnd(Process process, Command command) throws InterruptedException {
        if (command.timeLimit().isEmpty()) {
            process.waitFor();
            return true;
        }
        return process.waitFor(command.timeLimit().get().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends a process and everything it started: SIGTERM first, SIGKILL for what is left after a grace period. */
    static void destroyTree(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private record JavaBackgroundProcess(Process process) implements BackgroundProcess {

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public boolean awaitExit(Duration limit) throws InterruptedException {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public ExitStatus exitStatus() {
            return decode(process.exitValue());
        }

        @Override
        public ExitStatus stop(Duration grace) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return decode(process.exitValue());
        }
    }
}
