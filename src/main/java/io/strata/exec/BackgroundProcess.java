package io.strata.exec;

import java.time.Duration;

/** A long-running child process: a server the build talks to while it runs. */
public interface BackgroundProcess {

    long pid();

    boolean isAlive();

    /** Waits up to {@code limit} for the process to end by itself; true when it has. */
    boolean awaitExit(Duration limit) throws InterruptedException;

    /** How the process ended; call it once it has (isAlive() is false). */
    ExitStatus exitStatus();

    /** Asks the process to end (SIGTERM), waits up to {@code grace}, then kills it; returns how it ended. */
    ExitStatus stop(Duration grace) throws InterruptedException;
}
