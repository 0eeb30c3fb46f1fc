package io.strata.exec;

import java.util.List;

/** What a finished command left: its exit code, its standard output, and the last lines of all its output. */
public record CommandResult(Command command, int exitCode, String stdout, List<String> tail) {

    public CommandResult {
        tail = List.copyOf(tail);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
