package io.strata.export;

import java.io.PrintWriter;

import io.strata.boot.BootCheck;
import io.strata.config.BuildConfig;
import io.strata.config.SecretMasker;
import io.strata.disk.DiskAccess;
import io.strata.engine.BuildContext;
import io.strata.engine.BuildLog;
import io.strata.engine.RunTools;
import io.strata.engine.StepFailedException;
import io.strata.engine.WorkLayout;

/** What every exporter works with, made once per build by the CLI. */
public record ExportParts(BuildContext context, DiskAccess disk, String strataVersion, BootCheck bootCheck,
        PrintWriter console) {

    BuildConfig config() {
        return context.config();
    }

    WorkLayout layout() {
        return context.layout();
    }

    BuildLog log() {
        return context.log();
    }

    RunTools tools() {
        return context.tools();
    }

    /** An export's failure as the user sees it: the failing command, why, and its last lines, secrets masked. */
    StepFailedException failure(String stage, String what, Exception cause) {
        String reason = new SecretMasker(config().secretValues()).mask(String.valueOf(cause.getMessage()));
        return new StepFailedException(stage, what, reason, log().path());
    }
}
