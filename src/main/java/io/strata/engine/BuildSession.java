package io.strata.engine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.strata.cache.LockedPackages;
import io.strata.cache.LockedRepository;
import io.strata.cache.PackageCache;
import io.strata.config.BuildConfig;
import io.strata.config.SecretMasker;
import io.strata.disk.DiskAccess;
import io.strata.disk.DiskTools;
import io.strata.disk.Ledger;
import io.strata.disk.LeftoverReleaser;
import io.strata.disk.QcowAttacher;
import io.strata.disk.ReleaseException;
import io.strata.disk.ResourceScope;
import io.strata.disk.WorkDirs;
import io.strata.exec.CommandFailedException;
import io.strata.exec.LineSink;
import io.strata.exec.ProcessRunner;
import io.strata.exec.SystemProcessRunner;
import io.strata.host.Binfmt;
import io.strata.host.HostNeeds;
import io.strata.host.HostRequirements;
import io.strata.host.MissingToolsException;
import io.strata.reuse.InputCollector;
import io.strata.reuse.StageDecision;
import io.strata.store.StageStores;

/**
 * One build from start to release: the work dir's lock, its log, the ledger and what an earlier build
 * left in it, the host's tools and binfmt, the scope that holds every attachment, and Ctrl-C. It runs
 * the decided stages through {@link BuildEngine} and releases everything, once, from the thread that
 * owns it, whatever happens. The CLI only wires it (exporters) and reports its outcome.
 */
public final class BuildSession {

    /** How long the shutdown hook waits for the build thread to release its images after Ctrl-C or SIGTERM. */
    private static final Duration RELEASE_ON_INTERRUPT = Duration.ofSeconds(90);

    /** What the exporters of a build are made from; the CLI turns it into ImageExporter and LiveExporter. */
    public record Resources(BuildContext context, DiskAccess disk, ProcessRunner runner, SecretMasker masker) {
    }

    /** Makes the exporters once the build's resources exist. */
    @FunctionalInterface
    public interface ExporterFactory {
        List<Exporter> exporters(Resources resources);
    }

    /** How the session talks to the user: progress and messages, and optionally every command's output. */
    public record Console(PrintWriter out, PrintWriter err, PrintStream verbose, BuildListener progress) {
    }

    /** The build failed; the message says where and why, and where the full log is. */
    public static final class FailedException extends Exception {
        FailedException(String message) {
            super(message);
        }
    }

    /** Decides, under the lock, which stages to build, reuse or skip, with the work dir's keys. */
    @FunctionalInterface
    public interface Planning {
        List<StageDecision> decide(InputCollector inputs) throws io.strata.config.BadInputException;
    }

    private final BuildConfig config;
    private final WorkLayout layout;
    private final java.util.function.Supplier<InputCollector> inputs;
    private final ExporterFactory exporterFactory;
    private final boolean installDeps;
    private final Console console;

    public BuildSession(BuildConfig config, WorkLayout layout, java.util.function.Supplier<InputCollector> inputs,
            ExporterFactory exporterFactory, boolean installDeps, Console console) {
        this.config = config;
        this.layout = layout;
        this.inputs = inputs;
        this.exporterFactory = exporterFactory;
        this.installDeps = installDeps;
        this.console = console;
    }

    /**
     * Runs the build under the work dir's lock: makes the work dir (root's alone: stage images, records
     * and the log describe the image's secrets), decides the stages with its keys, builds them.
     */
    public BuildResult run(Planning planning, String command) throws BuildLock.HeldException,
            io.strata.config.BadInputException, FailedException, IOException, InterruptedException {
        try (BuildLock lock = BuildLock.acquire(layout.lock(), command)) {
            Files.createDirectories(layout.workDir());
            Files.setPosixFilePermissions(layout.workDir(), PosixFilePermissions.fromString("rwx------"));
            InputCollector keys = inputs.get();
            List<StageDecision> decisions = planning.decide(keys);
            SecretMasker masker = new SecretMasker(config.secretValues());
            Optional<LockedRepository> locked = lockedRepository();
            try (BuildLog log = BuildLog.open(layout.log(), masker, console.verbose(), new LogWatch(console.err()))) {
                return runLocked(decisions, keys, log, masker, locked);
            }
        }
    }

    /**
     * PACKAGE_LOCK's repository, checked before anything is built: the lock is read and matched to the
     * target, and every locked package found in the cache or, unless OFFLINE=1, in its archive.
     */
    private Optional<LockedRepository> lockedRepository()
            throws io.strata.config.BadInputException, IOException, InterruptedException {
        if (config.packageLock().isEmpty() || config.packageCacheDir().isEmpty()) {
            return Optional.empty();
        }
        java.nio.file.Path file = config.packageLock().get();
        LockedPackages lock = LockedPackages.read(file, "PACKAGE_LOCK");
        String arch = config.targetArch().debianName();
        String release = config.release().codename();
        if (!lock.architecture().equals(arch) || !lock.release().equals(release)) {
            throw new io.strata.config.BadInputException(List.of("PACKAGE_LOCK=" + file + " locks Debian " + lock.release()
                    + " for " + lock.architecture() + ", but this build makes Debian " + release + " for " + arch
                    + ": name the lock of an image of this target, or set RELEASE and TARGET_ARCH to the lock's"));
        }
        java.nio.file.Path cacheDir = config.packageCacheDir().get();
        return Optional.of(LockedRepository.plan(new PackageCache(cacheDir), lock,
                LockedRepository.location(cacheDir, file), config.offline(), config.aptProxy()));
    }

    /** The host tools this build needs beyond every build's: its target's emulator, boot machine, live and lock tools. */
    private HostNeeds hostNeeds(List<StageDecision> decisions) {
        boolean live = decisions.stream().anyMatch(d -> d.stage().exportsLive());
        return HostNeeds.forBuild(config.targetArch(), config.bootTest(), live, config.packageLock().isPresent());
    }

    private BuildResult runLocked(List<StageDecision> decisions, InputCollector keys, BuildLog log, SecretMasker masker,
            Optional<LockedRepository> locked) throws FailedException, InterruptedException {
        PrintWriter out = console.out();
        PrintWriter err = console.err();
        SystemProcessRunner runner = new SystemProcessRunner(log);
        DiskTools disk = new DiskTools(runner);
        Ledger ledger = Ledger.open(layout.ledger());
        ResourceScope scope = new ResourceScope(ledger);
        Cancellation cancellation = new Cancellation();
        Thread hook = new Thread(() -> abort(cancellation, runner, scope, err), "strata-abort");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            WorkDirs.register(layout.workDir());
            releaseLeftovers(disk, ledger, out);
            HostRequirements.read(config.baseDir().resolve("depends"))
                    .ensure(hostNeeds(decisions), installDeps, new SystemProcessRunner(echoed(log, out)), out);
            Binfmt.enable(config.targetArch(), runner);
            if (locked.isPresent()) {
                out.println("Package lock: " + config.packageLock().orElseThrow() + (locked.get().toFetch() > 0
                        ? " (fetching " + locked.get().toFetch() + " of its packages from their archives)" : "")
                        + (config.offline() ? "; offline: no step reaches the network" : ""));
                log.note("the locked repository: " + locked.get().make(runner));
            }
            QcowAttacher attacher = QcowAttacher.forHost(disk, layout.runDir());
            RunTools tools = RunTools.install(layout.runDir());
            BuildContext context = new BuildContext(config, layout, log, tools);
            DiskAccess access = new DiskAccess(disk, attacher, scope);
            List<Exporter> exporters = exporterFactory.exporters(new Resources(context, access, runner, masker));
            BuildEngine engine = new BuildEngine(new BuildEngine.Parts(context, access, masker, console.progress(),
                    exporters, keys, cancellation, StageStores.of(config, runner, System.getenv())));
            return engine.run(decisions);
        } catch (StepFailedException e) {
            throw failed(e.getMessage(), false, log);
        } catch (CommandFailedException | ReleaseException | MissingToolsException | IOException
                | java.io.UncheckedIOException e) {
            throw failed(masker.mask(String.valueOf(e.getMessage())), true, log);
        } finally {
            try {
                scope.close();
                if (ledger.entries().isEmpty()) {
                    WorkDirs.unregister(layout.workDir());
                }
            } catch (ReleaseException | IOException e) {
                err.println("strata: " + e.getMessage());
            } finally {
                cancellation.markReleased();
            }
            removeHook(hook);
            err.flush();
            out.flush();
        }
    }

    private FailedException failed(String message, boolean nameTheLog, BuildLog log) {
        StringBuilder text = new StringBuilder(message);
        DiskSpace.whenFull(config.workDir(), config.deployDir()).ifPresent(full -> text.append("\nstrata: ").append(full));
        if (nameTheLog) {
            text.append("\nThe full log is ").append(log.path());
        }
        return new FailedException(text.toString());
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

    /**
     * The shutdown hook: cancels the build and stops the running step, then waits for the build thread to
     * release the scope it owns. Only if that thread does not finish in time does the hook release it.
     */
    private static void abort(Cancellation cancellation, SystemProcessRunner runner, ResourceScope scope, PrintWriter err) {
        err.println("strata: interrupted; stopping the running step and releasing the stage image");
        err.flush();
        cancellation.cancel();
        runner.stopAll();
        try {
            if (cancellation.awaitReleased(RELEASE_ON_INTERRUPT)) {
                return;
            }
            err.println("strata: the build did not release its images within " + RELEASE_ON_INTERRUPT.toSeconds()
                    + " s of the interrupt; releasing them now");
            scope.close();
        } catch (ReleaseException e) {
            err.println("strata: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.flush();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; it waits for this thread's release
        }
    }
}
