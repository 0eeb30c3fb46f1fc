package io.strata.engine;

import java.nio.file.Path;
import java.util.List;

/** A stage step failed: which stage, substage and file, its exit code, its last lines and where the full log is. */
public class StepFailedException extends Exception {

    public StepFailedException(String stage, String where, int exitCode, List<String> tail, Path log) {
        super(describe(stage, where, exitCode, tail, log));
    }

    public StepFailedException(String stage, String where, String reason, Path log) {
        super("stage " + stage + ", " + where + ": " + reason + "\nThe full log is " + log);
    }

    private static String describe(String stage, String where, int exitCode, List<String> tail, Path log) {
        StringBuilder out = new StringBuilder("stage ").append(stage).append(", ").append(where)
                .append(" failed with exit code ").append(exitCode);
        if (!tail.isEmpty()) {
            out.append(". Its last ").append(tail.size()).append(" lines:");
            tail.forEach(line -> out.append("\n  | ").append(line));
        }
        return out.append("\nThe full log is ").append(log).toString();
    }
}
