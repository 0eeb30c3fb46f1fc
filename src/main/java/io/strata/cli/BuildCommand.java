package io.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.strata.boot.BootCheck;
import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.ConfigLoader;
import io.strata.config.ConfigValidator;
import io.strata.engine.BuildLock;
import io.strata.engine.BuildResult;
import io.strata.engine.BuildSession;
import io.strata.engine.Exporter;
import io.strata.engine.RunTools;
import io.strata.engine.WorkLayout;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;
import io.strata.export.ExportSuffix;
import io.strata.export.ExportParts;
import io.strata.export.ImageExporter;
import io.strata.export.LiveExporter;
import io.strata.plan.BuildPlan;
import io.strata.plan.PlanPrinter;
import io.strata.plan.Planner;
import io.strata.plan.Stage;
import io.strata.reuse.InputCollector;
import io.strata.reuse.ReusePlanner;
import io.strata.reuse.StageDecision;
import io.strata.reuse.WorkDirSalt;
import io.strata.store.LocalStageStore;
import io.strata.store.StoreSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./build -c myconfig.cfg}: reads the config, plans the stages and builds them. */
@Command(name = "build", mixinStandardHelpOptions = true, versionProvider = StrataMain.Version.class,
        description = {"Builds an OS image from the stage directories, as pi-gen's build.sh does.",
                "Exit codes: 0 built, 1 the build failed, 2 bad input (config, stages, command line)."})
public final class BuildCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (a bash fragment setting variables)")
    Path configFile;

    @Option(names = "--dry-run", description = "print the plan (stages, substages, steps, exports) and touch nothing")
    boolean dryRun;

    @Option(names = "--no-install-deps", description = "do not install missing host tools; fail naming them instead")
    boolean noInstallDeps;

    @Option(names = {"-v", "--verbose"}, description = "copy every command's output to the console too")
    boolean verbose;

    @Option(names = "--stacktrace", description = "print the stack trace of an unexpected error")
    boolean stacktrace;

    @Option(names = "--new", arity = "0..1", fallbackValue = "config", paramLabel = "FILE",
            description = "write a commented template config (every variable, its meaning and default) to FILE "
                    + "(default: config); never overwrites one")
    Path newConfig;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (newConfig != null) {
            return NewConfig.write(newConfig, out, err);
        }
        Path cwd = Path.of("").toAbsolutePath();
        BuildConfig config;
        BuildPlan plan;
        WorkLayout layout;
        List<StageDecision> decisions;
        try {
            config = loadConfig(cwd);
            plan = new Planner(config, cwd).plan();
            checkExportFiles(config, plan);
            java.util.Optional<String> keyring = io.strata.host.ArchiveKeyring.problem(config.release(),
                    io.strata.host.ArchiveKeyring.KEYRING);
            if (keyring.isPresent()) {
                throw new BadInputException(List.of(keyring.get()));
            }
            layout = new WorkLayout(config.workDir());
            decisions = decide(config, plan, layout, inputs(config, layout, false));
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, "the build", e);
        }
        if (dryRun) {
            PlanPrinter.print(plan, stage -> decisionOf(decisions, stage).map(BuildCommand::describe).orElse(""),
                    stage -> decisionOf(decisions, stage).flatMap(StageDecision::base), out);
            return ExitCodes.OK;
        }
        if (!isRoot()) {
            err.println("strata: building needs root (it attaches disk images and mounts them): run `sudo ./build"
                    + (configFile == null ? "" : " -c " + configFile) + "`; --dry-run works without root");
            return ExitCodes.BAD_INPUT;
        }
        BuildSession session = new BuildSession(config, layout, () -> inputs(config, layout, true),
                resources -> exporters(resources, out), !noInstallDeps,
                new BuildSession.Console(out, err, verbose ? System.out : null, new ConsoleProgress(out)));
        try {
            BuildResult result = session.run(inputs -> decide(config, plan, layout, inputs),
                    "./build" + (configFile == null ? "" : " -c " + configFile));
            out.println("Build finished. Stage images:");
            result.stageImages().forEach(image -> out.println("  " + image));
            out.println("Log: " + result.log());
            return ExitCodes.OK;
        } catch (BuildLock.HeldException e) {
            err.println("strata: the build cannot start: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, "the build", e);
        } catch (BuildSession.FailedException e) {
            err.println("strata: build failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private BuildConfig loadConfig(Path cwd) throws BadInputException, InterruptedException {
        return loadConfig(Optional.ofNullable(configFile), cwd);
    }

    /** ./config and then {@code configFile}, as bash reads them, validated. */
    static BuildConfig loadConfig(Optional<Path> configFile, Path cwd) throws BadInputException, InterruptedException {
        Path baseDir = Path.of(System.getenv().getOrDefault("STRATA_BASE_DIR", cwd.toString()));
        ConfigLoader loader = new ConfigLoader(new SystemProcessRunner(LineSink.DISCARD));
        return ConfigValidator.validate(loader.load(configFile, cwd, System.getenv(), baseDir, LocalDate.now()));
    }

    /** Each EXPORT_IMAGE and EXPORT_LIVE file is a bash fragment: it must source cleanly and give a file-name-safe IMG_SUFFIX. */
    private static void checkExportFiles(BuildConfig config, BuildPlan plan) throws BadInputException, InterruptedException {
        SystemProcessRunner runner = new SystemProcessRunner(LineSink.DISCARD);
        List<String> problems = new ArrayList<>();
        for (Stage stage : plan.running()) {
            for (var request : java.util.stream.Stream.of(stage.export(), stage.liveExport()).flatMap(Optional::stream)
                    .filter(r -> stage.runs() && r.wanted()).toList()) {
                try {
                    ExportSuffix.read(runner, request.file(), config.variables());
                } catch (BadInputException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
    }

    /** How --dry-run shows what a build would do with a stage. */
    private static String describe(StageDecision decision) {
        return switch (decision.action()) {
            case BUILD -> "rebuilt because " + decision.reason();
            case REUSE -> "reused (" + decision.reason() + ")";
            default -> "";
        };
    }

    /**
     * What keys the stages. Secrets are keyed with the stage store's salt (so every work dir of the store
     * has the same keys), or the work dir's without a store; {@code keepSalt} makes one where there is
     * none (a dry run uses a throwaway one, and touches nothing).
     */
    private static InputCollector inputs(BuildConfig config, WorkLayout layout, boolean keepSalt) {
        String version = StrataMain.version();
        byte[] salt = StoreSettings.dir(config).map(dir -> LocalStageStore.salt(dir, keepSalt))
                .orElseGet(() -> WorkDirSalt.of(layout.workDir(), keepSalt));
        return new InputCollector(config, salt,
                RunTools.fingerprint(version, RunTools.STAGE_SCRIPTS), RunTools.fingerprint(version, RunTools.SCRIPTS));
    }

    /** Which stages are reused and which rebuilt, and why. */
    private static Optional<StageDecision> decisionOf(List<StageDecision> decisions, Stage stage) {
        return decisions.stream().filter(d -> d.stage() == stage).findFirst();
    }

    private static List<StageDecision> decide(BuildConfig config, BuildPlan plan, WorkLayout layout,
            InputCollector inputs) throws BadInputException {
        return new ReusePlanner(config, inputs, layout::doneMarker, layout::stageImage, layout::checkpointDir).decide(plan);
    }

    /** The exporters of a build: disk images and live media, each boot-checked when BOOT_TEST=1. */
    private static List<Exporter> exporters(BuildSession.Resources r, PrintWriter out) {
        ExportParts parts = new ExportParts(r.context(), r.disk(), StrataMain.version(), new BootCheck(r.runner(), r.masker()),
                out);
        return List.of(new ImageExporter(parts), new LiveExporter(parts));
    }

    /** Whether Strata runs as root (attaching and mounting images needs it). */
    static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }
}
