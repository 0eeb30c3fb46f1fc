package io.strata.cli;

import java.io.PrintWriter;

import io.strata.config.BadInputException;

/** Strata's exit codes. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The build (or another action) failed. */
    public static final int FAILED = 1;
    /** Bad input: a config, a stage tree or a command line that cannot be used. */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {
    }

    /** Lists every problem under "strata: {@code what} cannot start:" and returns {@link #BAD_INPUT}. */
    static int badInput(PrintWriter err, String what, BadInputException e) {
        err.println("strata: " + what + " cannot start:");
        e.problems().forEach(p -> err.println("  - " + p));
        err.flush();
        return BAD_INPUT;
    }
}
