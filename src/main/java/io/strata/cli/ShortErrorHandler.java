package io.strata.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** An unexpected error gets one short line; its stack trace only with --stacktrace. */
final class ShortErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        boolean trace = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--stacktrace");
        commandLine.getErr().println("strata: error: " + ex.getMessage()
                + (trace ? "" : " (run again with --stacktrace for details)"));
        if (trace) {
            ex.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return ExitCodes.FAILED;
    }
}
