package io.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.strata.config.BuildConfig;
import io.strata.disk.DiskTools;
import io.strata.disk.QcowAttacher;
import io.strata.disk.ReleaseException;
import io.strata.disk.ResourceScope;
import io.strata.exec.CommandFailedException;
import io.strata.plan.BuildPlan;
import io.strata.plan.Stage;
import io.strata.plan.Step;
import io.strata.plan.SubStage;

/**
 * Runs a plan stage by stage. Each stage lives in a qcow2 image backed by the previous stage's image,
 * attached and mounted while the stage runs and released whatever happens. A stage is marked done
 * only once its image is complete and detached; a done image is never written again.
 */
public final class BuildEngine {

    /** Everything a build uses, made once per build by the CLI. */
    public record Parts(BuildConfig config, WorkLayout layout, DiskTools disk, QcowAttacher attacher, BuildLog log,
            SecretMasker masker, BuildListener listener, Exporter exporter, ResourceScope scope, RunTools tools) {
    }

    private final Parts parts;
    private final StepRunner steps;

    public BuildEngine(Parts parts) {
        this.parts = parts;
        this.steps = new StepRunner(parts.disk().runner(), parts.tools(), parts.log(), parts.masker(), Terminal.SYSTEM);
    }

    public BuildResult run(BuildPlan plan)
            throws StepFailedException, CommandFailedException, ReleaseException, InterruptedException {
        WorkLayout layout = parts.layout();
        List<Path> images = new ArrayList<>();
        Optional<String> previous = Optional.empty();
        boolean chainIntact = true;
        for (Stage stage : plan.stages()) {
            Path image = layout.stageImage(stage.name());
            boolean done = Files.exists(layout.doneMarker(stage.name())) && Files.exists(image);
            if (!stage.runs()) {
                if (done && chainIntact) {
                    previous = Optional.of(stage.name());
                    images.add(image);
                } else if (done) {
                    invalidate(stage.name());
                }
                parts.listener().stageSkipped(stage, stage.skippedBecause().orElseThrow());
                continue;
            }
            if (done && chainIntact && parts.config().continueBuild()) {
                parts.listener().stageReused(stage, image);
                parts.log().note("stage " + stage.name() + " reused (CONTINUE=1): " + image);
            } else {
                chainIntact = false;
                buildStage(stage, previous);
            }
            export(stage, previous);
            previous = Optional.of(stage.name());
            images.add(image);
        }
        return new BuildResult(images, parts.log().path());
    }

    private void buildStage(Stage stage, Optional<String> previous)
            throws StepFailedException, CommandFailedException, ReleaseException, InterruptedException {
        WorkLayout layout = parts.layout();
        Instant start = Instant.now();
        parts.listener().stageStarted(stage);
        parts.log().note("stage " + stage.name() + " from " + stage.dir());
        invalidate(stage.name());
        Path image = layout.stageImage(stage.name());
        Optional<Path> backing = previous.map(layout::stageImage);
        parts.disk().createQcow2(image, parts.config().baseQcow2Size(), backing);

        Path rootfs = layout.rootfs(stage.name());
        createDirectories(rootfs);
        ResourceScope scope = parts.scope();
        int outer = scope.size();
        try {
            Path device = parts.attacher().attach(image, scope);
            if (backing.isEmpty()) {
                parts.disk().makeExt4(device, "rootfs");
            }
            parts.disk().mount(device, rootfs, scope);
            Map<String, String> env = ScriptEnvironment.forStage(parts.config(), layout, parts.tools(), stage, previous);
            StageContext context = new StageContext(stage, rootfs, layout.stageWorkDir(stage.name()), env);
            runSteps(context);
            timed(stage, "finish (initramfs, build-time files)", () -> steps.finish(context));
        } finally {
            scope.releaseAllBut(outer);
        }
        seal(stage.name(), image);
        parts.listener().stageFinished(stage, image, Duration.between(start, Instant.now()));
    }

    /** Exports a sealed stage image; a stage reused under CONTINUE=1 is exported again too. */
    private void export(Stage stage, Optional<String> previous) throws StepFailedException, InterruptedException {
        if (!stage.exports()) {
            stage.export().flatMap(e -> e.skippedBecause()).ifPresent(why -> note(stage, "no image export: " + why));
            return;
        }
        WorkLayout layout = parts.layout();
        Map<String, String> env = ScriptEnvironment.forStage(parts.config(), layout, parts.tools(), stage, previous);
        timed(stage, "export", () -> parts.exporter().export(stage, layout.stageImage(stage.name()), env));
    }

    private void runSteps(StageContext context) throws StepFailedException, InterruptedException {
        Stage stage = context.stage();
        stage.notes().forEach(n -> note(stage, n));
        if (stage.prerun().isPresent()) {
            Path prerun = stage.prerun().get();
            timed(stage, "prerun.sh", () -> steps.run(new Step.RunHostScript(prerun), context,
                    context.environment(), stage.dir(), "prerun.sh"));
        }
        for (SubStage sub : stage.subStages()) {
            if (sub.skipped()) {
                note(stage, sub.name() + " skipped: it holds a SKIP file");
                continue;
            }
            sub.notes().forEach(n -> note(stage, sub.name() + "/" + n));
            Map<String, String> env = ScriptEnvironment.forSubStage(context.environment(), sub.dir());
            for (Step step : sub.steps()) {
                String where = sub.name() + "/" + step.label();
                timed(stage, where, () -> steps.run(step, context, env, sub.dir(), where));
            }
        }
    }

    @FunctionalInterface
    private interface StepBody {
        void run() throws StepFailedException, InterruptedException;
    }

    private void timed(Stage stage, String where, StepBody body) throws StepFailedException, InterruptedException {
        parts.listener().stepStarted(stage, where);
        parts.log().note("stage " + stage.name() + ": " + where);
        Instant start = Instant.now();
        body.run();
        parts.listener().stepFinished(stage, where, Duration.between(start, Instant.now()));
    }

    private void note(Stage stage, String text) {
        parts.listener().note(stage, text);
        parts.log().note("stage " + stage.name() + ": " + text);
    }

    /** Marks a complete, detached stage image done and read-only: it is never written again. */
    private void seal(String stage, Path image) {
        try {
            Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("r--r--r--"));
            Files.writeString(parts.layout().doneMarker(stage), "finished " + Instant.now() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark stage " + stage + " done", e);
        }
    }

    /** Forgets a stage's earlier image: it is rebuilt, or its base changed under it. */
    private void invalidate(String stage) {
        try {
            Files.deleteIfExists(parts.layout().doneMarker(stage));
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
