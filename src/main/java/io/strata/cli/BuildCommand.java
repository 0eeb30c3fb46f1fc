package io.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
import io.strata.disk.DiskTools;
import io.strata.disk.Ledger;
import io.strata.disk.LeftoverReleaser;
import io.strata.disk.QcowAttacher;
import io.strata.disk.ReleaseException;
import io.strata.disk.ResourceScope;
import io.strata.engine.BuildEngine;
import io.strata.engine.BuildLock;
import io.strata.engine.BuildLog;
import io.strata.engine.BuildResult;
import io.strata.engine.LogWatch;
import io.strata.engine.Exporter;
import io.strata.engine.RunTools;
import io.strata.config.SecretMasker;
import io.strata.engine.StepFailedException;
import io.strata.engine.WorkLayout;
import io.strata.exec.CommandFailedException;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;
import io.strata.export.ExportSuffix;
import io.strata.export.ExportParts;
import io.strata.export.ImageExporter;
import io.strata.export.LiveExporter;
import io.strata.host.Binfmt;
import io.strata.host.HostRequirements;
import io.strata.host.MissingToolsException;
import io.strata.plan.BuildPlan;
import io.strata.plan.PlanPrinter;
import io.strata.plan.Planner;
import io.strata.plan.Stage;
import io.strata.reuse.InputCollector;
import io.strata.reuse.ReusePlanner;
import io.strata.reuse.StageDecision;
import io.strata.reuse.WorkDirSalt;
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

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path cwd = Path.of("").toAbsolutePath();
        BuildConfig config;
        BuildPlan plan;
        WorkLayout layout;
        List<StageDecision> decisions;
        try {
            config = loadConfig(cwd);
            plan = new Planner(config, cwd).plan();
            checkExportFiles(config, plan);
            layout = new WorkLayout(config.workDir());
            decisions = decide(config, plan, layout, inputs(config, layout, false));
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, "the build", e);
        }
        if (dryRun) {
            PlanPrinter.print(plan, stage -> decisions.stream().filter(d -> d.stage() == stage).findFirst()
                    .map(BuildCommand::describe).orElse(""), out);
            return ExitCodes.OK;
        }
        if (!isRoot()) {
            err.println("strata: building needs root (it attaches disk images and mounts them): run `sudo ./build"
                    + (configFile == null ? "" : " -c " + configFile) + "`; --dry-run works without root");
            return ExitCodes.BAD_INPUT;
        }
        try (BuildLock lock = BuildLock.acquire(layout.lock(), "./build" + (configFile == null ? "" : " -c " + configFile))) {
            return build(config, plan, layout, out, err);
        } catch (BuildLock.HeldException e) {
            err.println("strata: the build cannot start: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
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
     * What keys the stages. Secrets are keyed with the work dir's salt; {@code keepSalt} makes one for a
     * work dir that has none (a dry run uses a throwaway one, and touches nothing).
     */
    private static InputCollector inputs(BuildConfig config, WorkLayout layout, boolean keepSalt) {
        String version = StrataMain.version();
        return new InputCollector(config, WorkDirSalt.of(layout.workDir(), keepSalt),
                RunTools.fingerprint(version, RunTools.STAGE_SCRIPTS), RunTools.fingerprint(version, RunTools.SCRIPTS));
    }

    /** Which stages are reused and which rebuilt, and why. */
    private static List<StageDecision> decide(BuildConfig config, BuildPlan plan, WorkLayout layout,
            InputCollector inputs) throws BadInputException {
        return new ReusePlanner(config, inputs, layout::doneMarker, layout::stageImage).decide(plan);
    }

    private int build(BuildConfig config, BuildPlan plan, WorkLayout layout, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        Files.createDirectories(layout.workDir());
        // Stage images, records and the log describe the image's secrets: the work dir is root's alone.
        Files.setPosixFilePermissions(layout.workDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        InputCollector inputs = inputs(config, layout, true);
        List<StageDecision> decisions;
        try {
            decisions = decide(config, plan, layout, inputs);
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, "the build", e);
        }
        SecretMasker masker = new SecretMasker(config.secretValues());
        try (BuildLog log = BuildLog.open(layout.log(), masker, verbose ? System.out : null, new LogWatch(err))) {
            SystemProcessRunner runner = new SystemProcessRunner(log);
            DiskTools disk = new DiskTools(runner);
            Ledger ledger = Ledger.open(layout.ledger());
            ResourceScope scope = new ResourceScope(ledger);
            Thread hook = new Thread(() -> abort(runner, scope, err), "strata-abort");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                releaseLeftovers(disk, ledger, out);
                HostRequirements.read(config.baseDir().resolve("depends"))
                        .ensure(!noInstallDeps, new SystemProcessRunner(echoed(log, out)), out);
                Binfmt.enable(config.targetArch(), runner);
                QcowAttacher attacher = QcowAttacher.forHost(disk, log, layout.runDir());
                RunTools tools = RunTools.install(layout.runDir());
                BootCheck bootCheck = new BootCheck(runner, masker);
                ExportParts exportParts = new ExportParts(config, layout, disk, attacher, scope, tools, log,
                        StrataMain.version(), bootCheck, out);
                List<Exporter> exporters = List.of(new ImageExporter(exportParts), new LiveExporter(exportParts));
                BuildEngine engine = new BuildEngine(new BuildEngine.Parts(config, layout, disk, attacher, log, masker,
                        new ConsoleProgress(out), exporters, inputs, scope, tools));
                BuildResult result = engine.run(decisions);
                out.println("Build finished. Stage images:");
                result.stageImages().forEach(image -> out.println("  " + image));
                out.println("Log: " + result.log());
                return ExitCodes.OK;
            } catch (StepFailedException | CommandFailedException | ReleaseException | MissingToolsException
                    | java.io.UncheckedIOException e) {
                err.println("strata: build failed: " + e.getMessage());
                DiskSpace.whenFull(config.workDir(), config.deployDir()).ifPresent(full -> err.println("strata: " + full));
                if (!(e instanceof StepFailedException)) {
                    err.println("The full log is " + log.path());
                }
                return ExitCodes.FAILED;
            } finally {
                try {
                    scope.close();
                } catch (ReleaseException e) {
                    err.println("strata: " + e.getMessage());
                }
                removeHook(hook);
                err.flush();
                out.flush();
            }
        }
    }

    /** The build log, with each line shown on the console too (apt-get's progress while host tools install). */
    private static LineSink echoed(BuildLog log, PrintWriter out) {
        return line -> {
            log.line(line);
            out.println("  | " + line);
            out.flush();
        };
    }

    private static void releaseLeftovers(DiskTools disk, Ledger ledger, PrintWriter out)
            throws ReleaseException, InterruptedException {
        if (ledger.entries().isEmpty()) {
            return;
        }
        out.println("An earlier build of this work dir was stopped before it could clean up; releasing what it left:");
        new LeftoverReleaser(disk).release(ledger).forEach(line -> out.println("  released " + line));
    }

    private static void abort(SystemProcessRunner runner, ResourceScope scope, PrintWriter err) {
        err.println("strata: interrupted; stopping the running step and releasing the stage image");
        err.flush();
        runner.stopAll();
        try {
            scope.close();
        } catch (ReleaseException e) {
            err.println("strata: " + e.getMessage());
        }
        err.flush();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; it releases what is left
        }
    }

    /** Whether Strata runs as root (attaching and mounting images needs it). */
    static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }
}
