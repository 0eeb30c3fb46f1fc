package io.strata.exec;

/**
 * Runs external commands. There is one real implementation; tests of pure logic may record
 * command lines with a fake instead.
 */
public interface ProcessRunner {

    /** Runs a command to its end and returns what it left, whatever its exit code. */
    CommandResult run(Command command) throws CommandFailedException, InterruptedException;

    /** Runs a command and fails unless it exits 0. */
    default CommandResult check(Command command) throws CommandFailedException, InterruptedException {
        CommandResult result = run(command);
        if (!result.succeeded()) {
            throw CommandFailedException.of(result);
        }
        return result;
    }

    /** Runs a command that must succeed and returns its standard output, trimmed. */
    default String output(Command command) throws CommandFailedException, InterruptedException {
        return check(command).stdout().trim();
    }

    /** Starts a command that keeps running (a FUSE server, say); its output goes to the log. */
    BackgroundProcess start(Command command) throws CommandFailedException;

    /**
     * Starts a server through jnr-process (qemu-nbd, as the design card has it): its wait status is
     * decoded as every other exit is, and its output goes to the log.
     */
    BackgroundProcess startDaemon(Command command) throws CommandFailedException;

    /** Starts a command whose standard input and output the caller talks to (QEMU's serial console). */
    Process startConversation(Command command) throws CommandFailedException;

    /** Runs a command on the user's terminal (the EDIT shell of a patches directory) and waits for it. */
    ExitStatus runAttached(Command command) throws CommandFailedException, InterruptedException;

    /** Stops every command this runner started and that still runs (used when a build is interrupted). */
    void stopAll();
}
