package io.strata.plan;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Writes a plan as the text {@code --dry-run} shows: stages, substages, steps, exports, what is reused. */
public final class PlanPrinter {

    private PlanPrinter() {
    }

    /**
     * {@code status} says what the build would do with a stage that runs: reuse it or rebuild it, and why.
     * {@code base} names the stage each one's image is built on (none for the first).
     */
    public static void print(BuildPlan plan, Function<Stage, String> status, Function<Stage, Optional<String>> base,
            PrintWriter out) {
        printTree(plan, base, out);
        for (Stage stage : plan.stages()) {
            out.print(stage.name() + "  (" + stage.dir() + ")" + base.apply(stage).map(b -> "  on " + b).orElse(""));
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
            java.util.stream.Stream.of(stage.export(), stage.liveExport()).flatMap(Optional::stream)
                    .forEach(e -> out.println("    export " + e.file().getFileName()
                            + e.skippedBecause().map(why -> "  skipped: " + why).orElse("")));
        }
        out.flush();
    }

    /** The stages as the tree their images make: each under the stage it builds on. */
    static void printTree(BuildPlan plan, Function<Stage, Optional<String>> base, PrintWriter out) {
        Map<String, List<Stage>> children = new LinkedHashMap<>();
        List<Stage> roots = new ArrayList<>();
        for (Stage stage : plan.stages()) {
            Optional<String> on = base.apply(stage);
            if (on.isPresent()) {
                children.computeIfAbsent(on.get(), k -> new ArrayList<>()).add(stage);
            } else {
                roots.add(stage);
            }
        }
        out.println("Stage tree:");
        for (Stage root : roots) {
            printBranch(root, "  ", "", children, out);
        }
        out.println();
    }

    private static void printBranch(Stage stage, String lead, String joint, Map<String, List<Stage>> children,
            PrintWriter out) {
        List<String> marks = new ArrayList<>();
        if (!stage.runs()) {
            marks.add("skipped");
        }
        if (stage.exports()) {
            marks.add("image");
        }
        if (stage.exportsLive()) {
            marks.add("live");
        }
        out.println(lead + joint + stage.name() + (marks.isEmpty() ? "" : "  [" + String.join(", ", marks) + "]"));
        List<Stage> below = children.getOrDefault(stage.name(), List.of());
        String next = lead + (joint.isEmpty() ? "" : joint.startsWith("├") ? "│  " : "   ");
        for (int i = 0; i < below.size(); i++) {
            printBranch(below.get(i), next, i == below.size() - 1 ? "└─ " : "├─ ", children, out);
        }
    }

    static String describe(Step step) {
        String what;
        if (step instanceof Step.Debconf) {
            what = "debconf-set-selections";
        } else if (step instanceof Step.InstallPackages p) {
            what = "apt-get install" + (p.recommends() ? "" : " --no-install-recommends");
        } else if (step instanceof Step.InstallDebs) {
            what = "apt-get install ./*.deb";
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
