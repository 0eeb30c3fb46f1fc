package io.strata.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.ConfigValidator;
import io.strata.config.RawConfig;
import io.strata.config.Variables;

class PlannerTest {

    @TempDir
    Path base;
    private Path stages;

    @BeforeEach
    void layout() throws IOException {
        stages = Files.createDirectories(base.resolve("stages"));
    }

    private BuildConfig config(String... pairs) throws BadInputException {
        Map<String, String> values = new HashMap<>();
        Variables.ALL.stream().filter(v -> v.defaultValue() != null).forEach(v -> values.put(v.name(), v.defaultValue()));
        values.putAll(Map.of("IMG_NAME", "t", "IMG_DATE", "2026-11-22", "BASE_DIR", base.toString(),
                "WORK_DIR", base.resolve("work").toString(), "DEPLOY_DIR", base.resolve("deploy").toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return ConfigValidator.validate(new RawConfig(values, java.util.Set.of()));
    }

    private BuildPlan plan(String... pairs) throws BadInputException {
        return new Planner(config(pairs), base).plan();
    }

    private Path file(String relative, String content, boolean executable) throws IOException {
        Path path = base.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return path;
    }

    private static List<String> labels(SubStage sub) {
        return sub.steps().stream().map(Step::label).toList();
    }

    @Test
    void stagesRunInAlphanumericOrderAndOnlyStageDirectoriesCount() throws Exception {
        for (String name : List.of("stage2", "stage0", "stage10", "stage1", "notastage")) {
            Files.createDirectories(stages.resolve(name));
        }
        assertThat(plan().stages()).extracting(Stage::name).containsExactly("stage0", "stage1", "stage10", "stage2");
    }

    @Test
    void stepsFollowPiGensOrderWithinEachIndex() throws Exception {
        String sub = "stages/stage0/00-setup/";
        file(sub + "01-run.sh", "", true);
        file(sub + "00-run-chroot.sh", "", false);
        file(sub + "00-run.sh", "", true);
        Files.createDirectories(base.resolve(sub + "00-patches"));
        file(sub + "00-packages", "vim", false);
        file(sub + "00-packages-nr", "less", false);
        file(sub + "00-packages-sys-raspi", "raspi-firmware", false);
        file(sub + "00-packages-sys-debian", "grub-pc", false);
        file(sub + "00-debconf", "", false);
        SubStage subStage = plan().stages().get(0).subStages().get(0);
        assertThat(labels(subStage)).containsExactly("00-debconf", "00-packages-sys-raspi", "00-packages-nr",
                "00-packages", "00-patches", "00-run.sh", "00-run-chroot.sh", "01-run.sh");
        assertThat(subStage.steps().get(0)).isInstanceOf(Step.Debconf.class);
        assertThat(subStage.steps().get(4)).isInstanceOf(Step.ApplyPatches.class);
        assertThat(subStage.steps().get(6)).isInstanceOf(Step.RunChrootScript.class);
    }

    @Test
    void localDebsInstallAfterThePackageListsAndNothingElseMayLieBesideThem() throws Exception {
        String sub = "stages/stage0/00-a/";
        file(sub + "00-packages", "less", false);
        file(sub + "00-debs/tool_1.0_all.deb", "!<arch>", false);
        file(sub + "00-run-chroot.sh", "", false);
        Files.createDirectories(base.resolve(sub + "01-debs"));
        SubStage subStage = plan().stages().get(0).subStages().get(0);
        assertThat(labels(subStage)).containsExactly("00-packages", "00-debs", "00-run-chroot.sh");
        assertThat(subStage.steps().get(1)).isInstanceOf(Step.InstallDebs.class);
        assertThat(subStage.notes()).containsExactly("01-debs/ holds no .deb files and is skipped");

        file(sub + "00-debs/README", "how to build tool", false);
        assertThatThrownBy(this::plan).isInstanceOf(BadInputException.class)
                .hasMessageContaining("00-debs/README is not a .deb file");
    }

    @Test
    void aPcTargetTakesTheDebianSystemPackages() throws Exception {
        file("stages/stage0/00-a/00-packages-sys-raspi", "raspi-firmware", false);
        file("stages/stage0/00-a/00-packages-sys-debian", "grub-pc", false);
        BuildPlan plan = plan("TARGET_RASPI", "0", "TARGET_ARCH", "amd64", "BOOT_FSTYPE", "ext4");
        assertThat(labels(plan.stages().get(0).subStages().get(0))).containsExactly("00-packages-sys-debian");
    }

    @Test
    void aReleaseVariantReplacesTheGenericFile() throws Exception {
        file("stages/stage0/00-a/00-packages", "generic", false);
        file("stages/stage0/00-a/00-packages-trixie", "special", false);
        file("stages/stage0/00-a/00-packages-nr-bookworm", "other release", false);
        assertThat(labels(plan().stages().get(0).subStages().get(0))).containsExactly("00-packages-trixie");
        assertThat(labels(plan("RELEASE", "bookworm").stages().get(0).subStages().get(0)))
                .containsExactly("00-packages-nr-bookworm", "00-packages");
    }

    @Test
    void noRecommendsFilesNeverInstallRecommends() throws Exception {
        file("stages/stage0/00-a/00-packages-nr", "a", false);
        file("stages/stage0/00-a/00-packages", "b", false);
        List<Step> steps = plan("INSTALL_RECOMMENDS", "1").stages().get(0).subStages().get(0).steps();
        assertThat(steps).containsExactly(new Step.InstallPackages(steps.get(0).source(), false),
                new Step.InstallPackages(steps.get(1).source(), true));
        List<Step> without = plan().stages().get(0).subStages().get(0).steps();
        assertThat(without).allMatch(s -> !((Step.InstallPackages) s).recommends());
    }

    @Test
    void aHostScriptWithoutItsRunBitIsSkippedAndSaidSo() throws Exception {
        file("stages/stage0/00-a/00-run.sh", "", false);
        file("stages/stage0/prerun.sh", "", false);
        Stage stage = plan().stages().get(0);
        assertThat(stage.subStages().get(0).steps()).isEmpty();
        assertThat(stage.subStages().get(0).notes()).singleElement().asString().contains("00-run.sh is not executable");
        assertThat(stage.prerun()).isEmpty();
        assertThat(stage.notes()).singleElement().asString().contains("prerun.sh is not executable");
    }

    @Test
    void aChrootScriptNeedsNoRunBit() throws Exception {
        file("stages/stage0/00-a/00-run-chroot.sh", "echo hi", false);
        assertThat(labels(plan().stages().get(0).subStages().get(0))).containsExactly("00-run-chroot.sh");
    }

    @Test
    void skipListsAndMarkerFilesSkipStagesSubstagesAndImages() throws Exception {
        file("stages/stage0/EXPORT_IMAGE", "IMG_SUFFIX=-a", false);
        file("stages/stage1/SKIP", "", false);
        file("stages/stage2/00-a/SKIP", "", false);
        file("stages/stage2/EXPORT_IMAGE", "", false);
        file("stages/stage2/SKIP_IMAGES", "", false);
        file("stages/stage3/EXPORT_IMAGE", "", false);
        file("stages/stage4/EXPORT_IMAGE", "", false);
        BuildPlan plan = plan("SKIP_STAGE_LIST", "stage3", "SKIP_IMAGES_LIST", "stage0");
        Map<String, Stage> byName = new HashMap<>();
        plan.stages().forEach(s -> byName.put(s.name(), s));
        assertThat(byName.get("stage0").exports()).isFalse();
        assertThat(byName.get("stage0").export().orElseThrow().skippedBecause()).hasValue("listed in SKIP_IMAGES_LIST");
        assertThat(byName.get("stage1").skippedBecause()).hasValue("the stage holds a SKIP file");
        assertThat(byName.get("stage2").subStages().get(0).skipped()).isTrue();
        assertThat(byName.get("stage2").exports()).isFalse();
        assertThat(byName.get("stage3").skippedBecause()).hasValue("listed in SKIP_STAGE_LIST");
        assertThat(byName.get("stage3").exports()).isFalse();
        assertThat(byName.get("stage4").exports()).isTrue();
        assertThat(plan.running()).extracting(Stage::name).containsExactly("stage0", "stage2", "stage4");
    }

    @Test
    void stageListTakesNamesAndRelativeAndAbsolutePaths() throws Exception {
        Files.createDirectories(stages.resolve("stage0"));
        Files.createDirectories(base.resolve("custom/mystage"));
        Path elsewhere = Files.createDirectories(base.resolve("far/away/abs-stage"));
        BuildPlan plan = plan("STAGE_LIST", "stage0 custom/mystage " + elsewhere);
        assertThat(plan.stages()).extracting(Stage::name).containsExactly("stage0", "mystage", "abs-stage");
        assertThat(plan.stages().get(2).dir()).isEqualTo(elsewhere);
    }

    @Test
    void everyMissingStageListEntryIsReported() {
        assertThatThrownBy(() -> plan("STAGE_LIST", "nothere ../../outside"))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.problems()).hasSize(2)
                        .allMatch(p -> p.contains("is not a stage directory")));
    }

    @Test
    void twoStagesWithOneNameAreRefused() throws Exception {
        Files.createDirectories(base.resolve("a/stagex"));
        Files.createDirectories(base.resolve("b/stagex"));
        assertThatThrownBy(() -> plan("STAGE_LIST", "a/stagex b/stagex")).hasMessageContaining("two stages called stagex");
    }

    @Test
    void aSubstageWithoutItsNumberIsRefused() throws Exception {
        Files.createDirectories(stages.resolve("stage0/setup"));
        assertThatThrownBy(this::plan).hasMessageContaining("00-setup");
    }

    @Test
    void noStagesAtAllIsRefused() {
        assertThatThrownBy(this::plan).hasMessageContaining("no stages to build");
    }

    @Test
    void theDryRunTextNamesEveryStepAndSkip() throws Exception {
        file("stages/stage0/00-a/00-packages", "x", false);
        file("stages/stage0/00-a/00-run.sh", "", true);
        file("stages/stage1/SKIP", "", false);
        java.io.StringWriter text = new java.io.StringWriter();
        BuildPlan plan = plan();
        PlanPrinter.print(plan, s -> s.name().equals("stage0") ? "reused (nothing changed)" : "",
                s -> plan.buildsOn(s).map(Stage::name), new java.io.PrintWriter(text));
        assertThat(text.toString()).contains("stage0", "reused", "00-packages", "apt-get install --no-install-recommends",
                "00-run.sh", "run on the host", "stage1", "skipped: the stage holds a SKIP file");
    }

    @Test
    void aPrevStageFileMustNameAnEarlierStageOfTheBuild() throws Exception {
        file("stages/stage0/00-a/00-packages", "x", false);
        file("stages/stage1/PREV_STAGE", "stage0\n", false);
        file("stages/stage2/PREV_STAGE", "stage0\n", false);
        BuildPlan plan = plan();
        assertThat(plan.buildsOn(plan.stages().get(2)).map(Stage::name)).hasValue("stage0");
        file("stages/stage2/PREV_STAGE", "stage9\n", false);
        assertThatThrownBy(this::plan).hasMessageContaining("stage stage2 builds on stage9 (its PREV_STAGE file), which "
                + "this build does not hold: add stage9 to STAGE_LIST before stage2");
        file("stages/stage1/PREV_STAGE", "stage2\n", false);
        file("stages/stage2/PREV_STAGE", "stage0\n", false);
        assertThatThrownBy(this::plan).hasMessageContaining("comes after it in the stage list: list stage2 before stage1");
        file("stages/stage1/PREV_STAGE", "stage0 stage2\n", false);
        assertThatThrownBy(this::plan).hasMessageContaining("must hold the name of one other stage directory");
        file("stages/stage1/PREV_STAGE", "stage1\n", false);
        assertThatThrownBy(this::plan).hasMessageContaining("must hold the name of one other stage directory");
    }

    @Test
    void theDryRunDrawsTheStageTree() throws Exception {
        file("stages/stage0/00-a/00-packages", "x", false);
        file("stages/stage1/EXPORT_IMAGE", "IMG_SUFFIX=-a\n", false);
        file("stages/stage2/PREV_STAGE", "stage0\n", false);
        file("stages/stage3/PREV_STAGE", "stage1\n", false);
        java.io.StringWriter text = new java.io.StringWriter();
        BuildPlan plan = plan();
        PlanPrinter.print(plan, s -> "", s -> plan.buildsOn(s).map(Stage::name), new java.io.PrintWriter(text));
        assertThat(text.toString()).startsWith("""
                Stage tree:
                  stage0
                  ├─ stage1  [image]
                  │  └─ stage3
                  └─ stage2
                """);
        assertThat(text.toString()).contains("stage3  (" + base.resolve("stages/stage3") + ")  on stage1");
    }
}
