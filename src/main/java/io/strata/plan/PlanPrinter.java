package io.strata.plan;

import java.io.PrintWriter;
import java.util.function.Function;

/** Writes a plan as the text {@code --dry-run} shows: stages, substages, steps, exports, what is reused. */
public final class PlanPrinter {

    private PlanPrinter() {
    }

    /** {@code status} says what the build would do with a stage that runs: reuse it or rebuild it, and why. */
    public static void print(BuildPlan plan, Function<Stage, String> status, PrintWriter out) {
        for (Stage stage : plan.stages()) {
            out.print(stage.name() + "  (" + stage.dir() + ")");
            if (!stage.runs()) {
                out.println("  skipped: " + stage.skippedBecause().orElseThrow());
                continue;
            }
            String what = status.apply(stage);
            out.println(what.isEmpty() ? "" : "  " + what);
            stage.notes().forEach(n -> out.println("    note: " + n));
            stage.prerun().ifPresent(p -> out.println("    prerun.sh"));
            for (SubStage sub : stage.subStages()) {
                out.println("    " + sub.name() + (sub.skipped() ? "  skipped: SKIP file" : ""));
                if (!sub.skipped()) {
                    sub.steps().forEach(step -> out.println("      " + describe(step)));
                    sub.notes().forEach(n -> out.println("      note: " + n));
                }
            }
            java.util.stream.Stream.of(stage.export(), stage.liveExport()).flatMap(java.util.Optional::stream)
                    .forEach(e -> out.println("    export " + e.file().getFileName()
                            + e.skippedBecause().map(why -> "  skipped: " + why).orElse("")));
        }
        out.flush();
    }

    static String describe(Step step) {
        String what;
        if (step instanceof Step.Debconf) {
            what = "debconf-set-selections";
        } else if (step instanceof Step.InstallPackages p) {
            what = "apt-get install" + (p.recommends() ? "" : " --no-install-recommends");
        } else if (step instanceof Step.ApplyPatches) {
            what = "quilt push -a";
        } else if (step instanceof Step.RunHostScript) {
            what = "run on the host";
        } else {
            what = "run in the chroot";
        }
        return String.format("%-28s %s", step.label(), what);
    }
}
