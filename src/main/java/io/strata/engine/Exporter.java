package io.strata.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.strata.plan.ExportRequest;
import io.strata.plan.Stage;

/** Turns a finished stage into deployable files: a flashable image (EXPORT_IMAGE) or live media (EXPORT_LIVE). */
public interface Exporter {

    /** A short name for the console and the export's record: "image", "live". */
    String kind();

    /** The stage's request for this export, if it makes one. */
    Optional<ExportRequest> request(Stage stage);

    /**
     * Called once the stage's image is sealed (read-only, done): the export works on a copy, so the
     * stage image stays as it was. {@code environment} is what the stage's scripts saw; {@code identity}
     * is the export's {@link io.strata.reuse.ImageIdentity} (the same for every build of one config), from
     * which whatever the export would otherwise pick at random is derived. Returns the files it deployed.
     */
    List<Path> export(Stage stage, Path stageImage, Map<String, String> environment, String identity)
            throws StepFailedException, InterruptedException;

    /**
     * BOOT_TEST=1's step after a fresh export: boots what {@code deployed} holds (as {@link #export} returned
     * it) and fails when a check fails. The engine runs it once the export is done and before it records
     * the export as made, so an image that failed its check is made again by the next build.
     */
    void bootCheck(Stage stage, List<Path> deployed) throws StepFailedException, InterruptedException;
}
