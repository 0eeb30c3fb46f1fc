package io.strata.cli;

/** Strata's exit codes. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The build (or another action) failed. */
    public static final int FAILED = 1;
    /** Bad input: a config, a stage tree or a command line that cannot be used. */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
