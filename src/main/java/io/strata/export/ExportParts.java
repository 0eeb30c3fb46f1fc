package io.strata.export;

import java.io.PrintWriter;

import io.strata.boot.BootCheck;
import io.strata.config.SecretMasker;
import io.strata.disk.DiskAccess;
import io.strata.engine.BuildContext;
import io.strata.engine.StepFailedException;

/** What every exporter works with, made once per build by the CLI. */
public record ExportParts(BuildContext context, DiskAccess disk, String strataVersion, BootCheck bootCheck,
        PrintWriter console) {

    /** An export's failure as the user sees it: the failing command, why, and its last lines, secrets masked. */
    StepFailedException failure(String stage, String what, Exception cause) {
        String reason = new SecretMasker(context.config().secretValues()).mask(String.valueOf(cause.getMessage()));
        return new StepFailedException(stage, what, reason, context.log().path());
    }
}
