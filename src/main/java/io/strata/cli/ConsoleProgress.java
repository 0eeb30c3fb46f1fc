package io.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

import io.strata.engine.BuildListener;
import io.strata.plan.Stage;

/** Progress on the console: one line as each stage and step starts and ends, with durations. */
final class ConsoleProgress implements BuildListener {

    private final PrintWriter out;

    ConsoleProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void stageStarted(Stage stage, java.util.Optional<String> buildsOn, String why) {
        say("[" + stage.name() + "] rebuilt because " + why);
    }

    @Override
    public void stageFromStore(Stage stage, Path image, io.strata.store.StoredStage stored) {
        say("[" + stage.name() + "] reused from the stage store (built for " + stored.builtFor() + " on "
                + stored.built().atZone(java.time.ZoneOffset.UTC).toLocalDate() + "): " + image);
    }

    @Override
    public void stageReused(Stage stage, Path image, String why) {
        say("[" + stage.name() + "] reused (" + why + "): " + image);
    }

    @Override
    public void stageSkipped(Stage stage, String reason) {
        say("[" + stage.name() + "] skipped: " + reason);
    }

    @Override
    public void stageFinished(Stage stage, Path image, Duration took) {
        say("[" + stage.name() + "] done in " + seconds(took) + ": " + image);
    }

    @Override
    public void stepStarted(Stage stage, String step) {
        say("[" + stage.name() + "]   " + step + " ...");
    }

    @Override
    public void stepFinished(Stage stage, String step, Duration took) {
        say("[" + stage.name() + "]   " + step + " ok (" + seconds(took) + ")");
    }

    @Override
    public void note(Stage stage, String text) {
        say("[" + stage.name() + "]   note: " + text);
    }

    static String seconds(Duration took) {
        return String.format("%.1f s", took.toMillis() / 1000.0);
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
