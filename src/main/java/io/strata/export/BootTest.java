package io.strata.export;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

import io.strata.boot.BootCheck;
import io.strata.boot.CheckResult;
import io.strata.config.BuildConfig;
import io.strata.engine.BuildLog;
import io.strata.engine.StepFailedException;
import io.strata.exec.CommandFailedException;
import io.strata.plan.Stage;

/**
 * BOOT_TEST=1: what an export deployed must pass the boot check, or the build fails (the engine runs
 * it as a step of its own, after the export). A graphical
 * image's screen is saved beside it as {@code <image>.screen.png}.
 */
final class BootTest {

    private final ExportParts parts;

    BootTest(ExportParts parts) {
        this.parts = parts;
    }

    void check(Stage stage, Path deployed) throws StepFailedException, InterruptedException {
        try {
            run(stage, deployed);
        } catch (IOException | CommandFailedException e) {
            throw parts.failure(stage.name(), "boot check (BOOT_TEST=1)", e);
        }
    }

    private void run(Stage stage, Path deployed)
            throws IOException, CommandFailedException, InterruptedException, StepFailedException {
        BuildConfig config = parts.context().config();
        BuildLog log = parts.context().log();
        PrintWriter console = parts.console();
        BootCheck.Outcome outcome = parts.bootCheck().run(config,
                new BootCheck.Options(deployed, Optional.empty(), Duration.ofMinutes(10), false,
                        Optional.of(BootCheck.screenshotPath(deployed))), console);
        BootCheck.print(outcome, console);
        log.note("boot check of " + deployed.getFileName() + ": " + (outcome.passed() ? "passed" : "FAILED"));
        if (!outcome.passed()) {
            String failed = outcome.results().stream().filter(CheckResult::failed)
                    .map(r -> r.name() + " (" + r.detail().lines().findFirst().orElse("") + ")")
                    .collect(Collectors.joining(", "));
            throw new StepFailedException(stage.name(), "boot check (BOOT_TEST=1)", "failed: " + failed
                    + "; console transcript " + outcome.transcript(), log.path());
        }
    }
}
