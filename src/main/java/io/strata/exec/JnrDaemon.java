package io.strata.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jnr.constants.platform.Signal;

/**
 * A long-lived child started through jnr-process (the qemu-nbd server). jnr-process reports neither a
 * failed spawn nor a decoded exit status and its {@code waitFor()} has no timeout and may be called
 * once: this wrapper checks the program first, waits on one thread of its own, and decodes the status.
 */
public final class JnrDaemon implements BackgroundProcess {

    private final jnr.process.Process process;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    private JnrDaemon(jnr.process.Process process) {
        this.process = process;
    }

    /** Starts {@code argv}; its output goes to the sink line by line. */
    public static JnrDaemon start(List<String> argv, LineSink sink) throws CommandFailedException {
        Command command = Command.of(argv);
        Path program = Programs.find(argv.get(0)).orElse(null);
        if (program == null) {
            throw new CommandFailedException(command, -1, List.of(), "could not start: " + argv.get(0) + " is not installed");
        }
        jnr.process.ProcessBuilder builder = new jnr.process.ProcessBuilder(argv);
        builder.command().set(0, program.toString());
        JnrDaemon daemon = new JnrDaemon(builder.start());
        StreamPump out = StreamPump.start("stdout " + program.getFileName(), daemon.process.getInputStream(), sink::line);
        StreamPump err = StreamPump.start("stderr " + program.getFileName(), daemon.process.getErrorStream(), sink::line);
        Thread waiter = new Thread(() -> {
            ExitStatus status = ExitStatus.fromWaitStatus(daemon.process.waitFor());
            try {
                out.join();
                err.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            daemon.exit.complete(status);
        }, "wait " + program.getFileName());
        waiter.setDaemon(true);
        waiter.start();
        return daemon;
    }

    @Override
    public long pid() {
        return process.getPid();
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    /** How the process ended, once it has. */
    public ExitStatus exitStatus() {
        return exit.getNow(null);
    }

    @Override
    public boolean awaitExit(Duration limit) throws InterruptedException {
        try {
            exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public ExitStatus stop(Duration grace) throws InterruptedException {
        if (isAlive()) {
            process.kill(Signal.SIGTERM);
            if (!awaitExit(grace)) {
                process.kill(Signal.SIGKILL);
                awaitExit(Duration.ofSeconds(10));
            }
        }
        return exit.getNow(ExitStatus.killedBy(Signal.SIGKILL.intValue()));
    }
}
