package io.strata.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.strata.exec.BackgroundProcess;
import io.strata.exec.Command;
import io.strata.exec.CommandResult;
import io.strata.exec.ExitStatus;
import io.strata.exec.ProcessRunner;

/** A runner for unit tests of pure logic: records every command and answers each as {@code answer} says. */
public final class RecordingRunner implements ProcessRunner {

    private final List<Command> commands = new ArrayList<>();
    private final Function<Command, CommandResult> answer;

    public RecordingRunner(Function<Command, CommandResult> answer) {
        this.answer = answer;
    }

    /** A result as a command that printed {@code lines} and exited with {@code code} leaves it. */
    public static CommandResult result(Command command, int code, String... lines) {
        return new CommandResult(command, code, String.join("\n", lines), List.of(lines));
    }

    public synchronized List<Command> commands() {
        return List.copyOf(commands);
    }

    @Override
    public synchronized CommandResult run(Command command) {
        commands.add(command);
        return answer.apply(command);
    }

    @Override
    public BackgroundProcess start(Command command) {
        throw new UnsupportedOperationException("a recording runner starts no process: " + command.display());
    }

    @Override
    public BackgroundProcess startDaemon(Command command) {
        throw new UnsupportedOperationException("a recording runner starts no process: " + command.display());
    }

    @Override
    public Process startConversation(Command command) {
        throw new UnsupportedOperationException("a recording runner starts no process: " + command.display());
    }

    @Override
    public ExitStatus runAttached(Command command) {
        commands.add(command);
        return ExitStatus.exited(0);
    }

    @Override
    public void stopAll() {
    }
}
