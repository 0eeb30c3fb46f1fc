package io.strata.exec;

import java.time.Duration;

/** A long-running child process: a server the build talks to while it runs. */
public interface BackgroundProcess {

    long pid();

    boolean isAlive();

    /** Waits up to {@code limit} for the process to end by itself; true when it has. */
    boolean awaitExit(Duration limit) throws InterruptedException;

    /** Asks the process to end (SIGTERM), waits up to {@code grace}, then kills it; returns how it ended. */
    ExitStatus stop(Duration grace) throws InterruptedException;
}
