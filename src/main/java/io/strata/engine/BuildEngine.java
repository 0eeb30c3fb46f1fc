package io.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.strata.cache.PackageCache;
import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.SecretMasker;
import io.strata.disk.DiskAccess;
import io.strata.disk.ReleaseException;
import io.strata.disk.ResourceScope;
import io.strata.exec.CommandFailedException;
import io.strata.lock.LockFile;
import io.strata.plan.ExportRequest;
import io.strata.plan.Stage;
import io.strata.plan.Step;
import io.strata.plan.SubStage;
import io.strata.reuse.Checkpoints;
import io.strata.reuse.InputCollector;
import io.strata.reuse.ImageIdentity;
import io.strata.reuse.KeyInputs;
import io.strata.reuse.KeyRecord;
import io.strata.reuse.StageDecision;
import io.strata.store.StageStores;
import io.strata.store.StoredStage;

/**
 * Runs a build stage by stage. Each stage lives in a qcow2 image backed by its base stage's image (the
 * stage before it, or the one its PREV_STAGE file names),
 * attached and mounted while the stage runs and released whatever happens. A stage is marked done
 * only once its image is complete and detached; a done image is never written again.
 */
public final class BuildEngine {

    /** Everything a build uses, made once per build by the CLI. */
    /** What the engine works with, made once per build by {@link BuildSession}. */
    public record Parts(BuildContext context, DiskAccess disk, SecretMasker masker, BuildListener listener,
            List<Exporter> exporters, InputCollector inputs, Cancellation cancellation, StageStores stores) {

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
    }

    private final Parts parts;
    private final StepRunner steps;
    private final Optional<StoreUse> store;
    /** The console's listener and the build log's, one path. */
    private final BuildListener events;
    private final Optional<PackageCache> packages;
    /** The decisions of the stages run so far in this build, by name (the tree below the stage that runs). */
    private final Map<String, StageDecision> decided = new HashMap<>();

    public BuildEngine(Parts parts) {
        this.parts = parts;
        this.steps = new StepRunner(parts.disk().runner(), parts.tools(), parts.log(), parts.masker(),
                Terminal.of(parts.disk().runner()));
        this.events = BuildListener.all(List.of(new LogListener(parts.log()), parts.listener()));
        this.store = parts.stores().local().map(s -> new StoreUse(s, parts.stores().remote(), parts.layout(), events,
                parts.config().imgName(), parts.config().clean()));
        this.packages = parts.config().packageCacheDir().map(PackageCache::new);
    }

    /** Runs the stages as {@code decisions} (from {@link io.strata.reuse.ReusePlanner}) say: build, reuse or skip. */
    public BuildResult run(List<StageDecision> decisions)
            throws StepFailedException, CommandFailedException, ReleaseException, InterruptedException {
        WorkLayout layout = parts.layout();
        List<Path> images = new ArrayList<>();
        decided.clear();
        for (StageDecision decision : decisions) {
            decided.put(decision.stage().name(), decision);
            Stage stage = decision.stage();
            Path image = layout.stageImage(stage.name());
            Optional<String> base = decision.base();
            switch (decision.action()) {
                case SKIP_AS_BASE, SKIP -> {
                    if (decision.action() == StageDecision.Action.SKIP_AS_BASE) {
                        images.add(image);
                    } else if (Files.exists(layout.doneMarker(stage.name()))) {
                        invalidate(stage.name());
                    }
                    events.stageSkipped(stage, decision.reason());
                    continue;
                }
                case REUSE -> {
                    events.stageReused(stage, image, decision.reason());
                    if (store.isPresent()) {
                        keepReused(store.get(), stage, base, decision, decided);
                    }
                }
                case BUILD -> {
                    if (store.isPresent()) {
                        takeOrBuild(store.get(), stage, base, decision, decided);
                    } else {
                        buildStage(stage, base, decision);
                    }
                }
            }
            exportAll(stage, base, decision);
            images.add(image);
        }
        return new BuildResult(images, parts.log().path());
    }

    /**
     * With a stage store: under the key's lock, the stored stage if there is one, else the stage built
     * and kept in the store. Two builds needing the same missing stage so build it once. The registry
     * gets what it lacks after the lock is let go.
     */
    private void takeOrBuild(StoreUse use, Stage stage, Optional<String> base, StageDecision decision,
            Map<String, StageDecision> decided)
            throws StepFailedException, CommandFailedException, ReleaseException, InterruptedException {
        String key = decision.chainKey();
        Optional<StoredStage> toPush;
        try (LockFile lock = use.lock(stage, key)) {
            invalidate(stage.name());
            Optional<StoreUse.Taken> taken = use.take(stage, key, baseKey(base, decided));
            if (taken.isPresent()) {
                toPush = taken.filter(StoreUse.Taken::local).map(StoreUse.Taken::stored);
            } else {
                buildStage(stage, base, decision);
                toPush = use.keep(stage, key, base, baseKey(base, decided));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the stage store " + parts.stores().local().orElseThrow().dir() + " cannot be locked: "
                    + e.getMessage(), e);
        }
        if (toPush.isPresent()) {
            use.push(stage, toPush.get());
        }
    }

    /** A reused stage the store lacks is kept there too, under its key's lock; then pushed. */
    private void keepReused(StoreUse use, Stage stage, Optional<String> base, StageDecision decision,
            Map<String, StageDecision> decided) throws InterruptedException {
        Optional<StoredStage> toPush;
        try (LockFile lock = use.lock(stage, decision.chainKey())) {
            toPush = use.keep(stage, decision.chainKey(), base, baseKey(base, decided));
        } catch (IOException e) {
            throw new UncheckedIOException("the stage store " + parts.stores().local().orElseThrow().dir() + " cannot be locked: "
                    + e.getMessage(), e);
        }
        if (toPush.isPresent()) {
            use.push(stage, toPush.get());
        }
    }

    private static Optional<String> baseKey(Optional<String> base, Map<String, StageDecision> decided) {
        return base.map(decided::get).map(StageDecision::chainKey);
    }

    private void buildStage(Stage stage, Optional<String> previous, StageDecision decision)
            throws StepFailedException, CommandFailedException, ReleaseException, InterruptedException {
        WorkLayout layout = parts.layout();
        Instant start = Instant.now();
        events.stageStarted(stage, previous, decision.reason());
        invalidate(stage.name());
        Path image = layout.stageImage(stage.name());
        Optional<Path> backing = previous.map(layout::stageImage);
        Checkpoints checkpoints = Checkpoints.of(layout.checkpointDir(stage.name()), stage, decision.inputs().orElseThrow());
        String base = Checkpoints.identity(backing);
        int from = checkpoints.any() && !parts.config().clean() ? checkpoints.holding(base) : 0;
        if (checkpoints.any()) {
            checkpoints.dropFrom(from);
        }
        Path rootfs = layout.rootfs(stage.name());
        createDirectories(rootfs);
        try (AptArchives archives = AptArchives.lease(packages, stage.name() + " of " + layout.workDir())) {
            Map<String, String> env = archives.environment(
                    ScriptEnvironment.forStage(parts.config(), layout, parts.tools(), stage, previous));
            env.put("STRATA_PASSWORD_SALT", ImageIdentity.passwordSalt(ImageIdentity.ofStageSettings(decision, decided)));
            StageContext context = new StageContext(stage, rootfs, layout.stageWorkDir(stage.name()), env, archives);
            stage.notes().forEach(n -> note(stage, n));
            stage.subStages().stream().filter(SubStage::skipped)
                    .forEach(sub -> note(stage, sub.name() + " skipped: it holds a SKIP file"));
            List<String> segments = checkpoints.segments();
            if (!checkpoints.any()) {
                runInLayer(context, image, backing, segments, true);
            } else {
                if (from > 0) {
                    note(stage, "resumed at " + segments.get(from) + ": the checkpoints of "
                            + String.join(", ", segments.subList(0, from)) + " hold, so they do not run again");
                }
                for (int i = from; i < segments.size(); i++) {
                    boolean last = i == segments.size() - 1;
                    Optional<Path> below = i == 0 ? backing : Optional.of(checkpoints.layer(i - 1));
                    runInLayer(context, checkpoints.layer(i), below, List.of(segments.get(i)), last);
                    if (!last) {
                        checkpoints.keep(i, base);
                    }
                }
                Path top = checkpoints.layer(segments.size() - 1);
                timed(stage, "flatten the substage checkpoints", () -> flatten(stage, top, image, backing));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the package cache " + packages.map(PackageCache::dir).orElse(null)
                    + " cannot be used: " + e.getMessage(), e);
        }
        parts.cancellation().checkpoint(stage.name(), "sealing the stage", parts.log().path());
        seal(stage.name(), image, decision.inputs().orElseThrow());
        events.stageFinished(stage, image, Duration.between(start, Instant.now()));
    }

    /**
     * Runs {@code segments} of the stage in a new qcow2 {@code layer} on {@code below} (a fresh ext4 when
     * there is nothing below), attached and mounted while they run and released whatever happens;
     * {@code finish}: the stage's last layer, which ends with the initramfs and the build-time files' removal.
     */
    private void runInLayer(StageContext context, Path layer, Optional<Path> below, List<String> segments, boolean finish)
            throws StepFailedException, CommandFailedException, ReleaseException, InterruptedException {
        parts.disk().tools().createQcow2(layer, parts.config().baseQcow2Size(), below);
        ResourceScope scope = parts.disk().scope();
        int outer = scope.size();
        try {
            Path device = parts.disk().attacher().attach(layer, scope);
            if (below.isEmpty()) {
                parts.disk().tools().makeExt4(device, "rootfs", parts.config().targetArch().wantsLinearDirectories());
            }
            parts.disk().tools().mount(device, context.rootfs(), scope);
            for (String segment : segments) {
                runSegment(context, segment);
            }
            if (finish) {
                timed(context.stage(), "finish (initramfs, build-time files)", () -> steps.finish(context));
            }
        } finally {
            scope.releaseAllBut(outer);
        }
    }

    /** The last layer made whole on the stage's base, then moved into place as the stage's image. */
    private void flatten(Stage stage, Path top, Path image, Optional<Path> backing)
            throws StepFailedException, InterruptedException {
        try {
            parts.disk().tools().flatten(top, backing);
            Files.move(top, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (CommandFailedException | IOException e) {
            throw new StepFailedException(stage.name(), "flatten the substage checkpoints", e.getMessage(), parts.log().path());
        }
    }

    /**
     * Runs each export the stage asks for, on its sealed image. An export is reused when its stage was
     * reused, its record matches what it would be made from now, and every file it deployed is still there.
     */
    private void exportAll(Stage stage, Optional<String> previous, StageDecision decision)
            throws StepFailedException, InterruptedException {
        for (Exporter exporter : parts.exporters()) {
            Optional<ExportRequest> request = exporter.request(stage);
            if (request.isEmpty()) {
                continue;
            }
            if (!request.get().wanted()) {
                note(stage, "no " + exporter.kind() + " export: " + request.get().skippedBecause().orElseThrow());
                continue;
            }
            Path recordFile = parts.layout().exportRecord(stage.name(), exporter.kind());
            KeyInputs inputs;
            try {
                inputs = parts.inputs().forExport(decision.chainKey(), request.get().file());
            } catch (BadInputException e) {
                throw new StepFailedException(stage.name(), exporter.kind() + " export", String.join("; ", e.problems()),
                        parts.log().path());
            }
            Optional<KeyRecord> record = KeyRecord.read(recordFile);
            if (decision.reused() && record.map(r -> r.matches(inputs) && r.filesPresent()).orElse(false)) {
                note(stage, exporter.kind() + " export reused: " + record.get().files().get(0));
                continue;
            }
            deleteIfExists(recordFile);
            List<Path> files = new ArrayList<>();
            try (AptArchives archives = AptArchives.lease(packages, stage.name() + "'s " + exporter.kind() + " export of "
                    + parts.layout().workDir())) {
                Map<String, String> env = archives.environment(
                        ScriptEnvironment.forStage(parts.config(), parts.layout(), parts.tools(), stage, previous));
                timed(stage, exporter.kind() + " export",
                        () -> files.addAll(exporter.export(stage, parts.layout().stageImage(stage.name()), env,
                                ImageIdentity.of(decision, decided, inputs))));
            } catch (IOException e) {
                throw new UncheckedIOException("the package cache " + packages.map(PackageCache::dir).orElse(null)
                        + " cannot be used: " + e.getMessage(), e);
            }
            if (parts.config().bootTest()) {
                timed(stage, "boot check", () -> exporter.bootCheck(stage, files));
            }
            KeyRecord.write(recordFile, inputs, Instant.now(), files.toArray(Path[]::new));
        }
    }

    /** Runs one segment of the stage: its prerun.sh, or one substage's steps. */
    private void runSegment(StageContext context, String segment) throws StepFailedException, InterruptedException {
        Stage stage = context.stage();
        if (segment.equals(Checkpoints.PRERUN)) {
            Path prerun = stage.prerun().orElseThrow();
            timed(stage, "prerun.sh", () -> {
                steps.run(new Step.RunHostScript(prerun), context, context.environment(), stage.dir(), "prerun.sh");
                context.archives().publish();
            });
            return;
        }
        SubStage sub = stage.subStages().stream().filter(s -> s.name().equals(segment)).findFirst().orElseThrow();
        sub.notes().forEach(n -> note(stage, sub.name() + "/" + n));
        Map<String, String> env = ScriptEnvironment.forSubStage(context.environment(), sub.dir());
        for (Step step : sub.steps()) {
            String where = sub.name() + "/" + step.label();
            timed(stage, where, () -> {
                steps.run(step, context, env, sub.dir(), where);
                context.archives().publish();
            });
        }
    }

    @FunctionalInterface
    private interface StepBody {
        void run() throws StepFailedException, InterruptedException;
    }

    private void timed(Stage stage, String where, StepBody body) throws StepFailedException, InterruptedException {
        parts.cancellation().checkpoint(stage.name(), where, parts.log().path());
        events.stepStarted(stage, where);
        Instant start = Instant.now();
        body.run();
        // A step the interrupt stopped may still have exited 0 (a script that traps the signal).
        parts.cancellation().checkpoint(stage.name(), "what follows " + where, parts.log().path());
        events.stepFinished(stage, where, Duration.between(start, Instant.now()));
    }

    private void note(Stage stage, String text) {
        events.note(stage, text);
    }

    /**
     * Marks a complete, detached stage image done and read-only: it is never written again. Only root
     * may read it: it holds the first user's password hash and the Wi-Fi PSK. The done marker records
     * the stage's key and inputs, for reuse.
     */
    private void seal(String stage, Path image, KeyInputs inputs) {
        try {
            Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("r--------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark stage " + stage + " done", e);
        }
        KeyRecord.write(parts.layout().doneMarker(stage), inputs, Instant.now());
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    /** Forgets a stage's earlier image and exports: it is rebuilt, or its base changed under it. */
    private void invalidate(String stage) {
        try {
            Files.deleteIfExists(parts.layout().doneMarker(stage));
            for (Exporter exporter : parts.exporters()) {
                Files.deleteIfExists(parts.layout().exportRecord(stage, exporter.kind()));
            }
            Files.deleteIfExists(parts.layout().stageImage(stage));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the old image of stage " + stage, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
