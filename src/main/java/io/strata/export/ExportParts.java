package io.strata.export;

import java.io.PrintWriter;

import io.strata.boot.BootCheck;
import io.strata.config.BuildConfig;
import io.strata.disk.DiskTools;
import io.strata.disk.QcowAttacher;
import io.strata.disk.ResourceScope;
import io.strata.engine.BuildLog;
import io.strata.engine.RunTools;
import io.strata.engine.WorkLayout;

/** What every exporter works with, made once per build by the CLI. */
public record ExportParts(BuildConfig config, WorkLayout layout, DiskTools disk, QcowAttacher attacher,
        ResourceScope scope, RunTools tools, BuildLog log, String strataVersion, BootCheck bootCheck,
        PrintWriter console) {

    /** An export's failure as the user sees it: the failing command, why, and its last lines, secrets masked. */
    io.strata.engine.StepFailedException failure(String stage, String what, Exception cause) {
        String reason = new io.strata.config.SecretMasker(config.secretValues()).mask(String.valueOf(cause.getMessage()));
        return new io.strata.engine.StepFailedException(stage, what, reason, log.path());
    }
}
