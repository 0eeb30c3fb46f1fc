package io.strata.exec;

import java.util.List;

/** A command that exited non-zero, timed out or could not start; the message says which, where, and its last lines. */
public class CommandFailedException extends Exception {

    private final transient Command command;
    private final int exitCode;
    private final List<String> tail;

    public CommandFailedException(Command command, int exitCode, List<String> tail, String reason) {
        super(describe(command, reason, tail));
        this.command = command;
        this.exitCode = exitCode;
        this.tail = List.copyOf(tail);
    }

    public static CommandFailedException of(CommandResult result) {
        return new CommandFailedException(result.command(), result.exitCode(), result.tail(),
                "exited with code " + result.exitCode());
    }

    public Command command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> tail() {
        return tail;
    }

    private static String describe(Command command, String reason, List<String> tail) {
        StringBuilder out = new StringBuilder("`").append(command.display()).append("` ").append(reason);
        command.workingDirectory().ifPresent(dir -> out.append(" (in ").append(dir).append(')'));
        if (!tail.isEmpty()) {
            out.append("; its last lines:");
            tail.forEach(line -> out.append("\n    ").append(line));
        }
        return out.toString();
    }
}
