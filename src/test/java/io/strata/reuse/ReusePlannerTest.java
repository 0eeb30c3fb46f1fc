package io.strata.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.plan.BuildPlan;
import io.strata.plan.Planner;
import io.strata.reuse.StageDecision.Action;

/** Stage keys and reuse decisions, on stage trees in a temporary directory and records written as a build would. */
class ReusePlannerTest {

    private static final byte[] SALT = new byte[32];

    @TempDir
    Path base;
    private Path work;

    @BeforeEach
    void stages() throws IOException {
        work = base.resolve("work");
        Files.createDirectories(work);
        file("stages/stage0/00-base/00-run-chroot.sh", "echo base\n");
        file("stages/stage1/00-user/00-run-chroot.sh", "echo \"$FIRST_USER_NAME\"\n");
        file("stages/stage2/00-last/00-run-chroot.sh", "echo last\n");
        file("stages/stage2/EXPORT_IMAGE", "IMG_SUFFIX=-lite\n");
    }

    private void file(String relative, String content) throws IOException {
        Path path = base.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

    private BuildConfig config(String... pairs) throws BadInputException {
        return io.strata.testing.TestConfig.of(Map.of("IMG_NAME", "t", "IMG_DATE", "2026-11-22", "BASE_DIR", base.toString(),
                "WORK_DIR", work.toString(), "DEPLOY_DIR", base.resolve("deploy").toString()), pairs);
    }

    private List<StageDecision> decide(String... pairs) throws BadInputException {
        BuildConfig config = config(pairs);
        BuildPlan plan = new Planner(config, base).plan();
        InputCollector inputs = new InputCollector(config, SALT, "test", "test");
        return new ReusePlanner(config, inputs, s -> work.resolve(s + ".done"), s -> work.resolve("image-" + s + ".qcow2"),
                s -> work.resolve("checkpoints").resolve(s))
                .decide(plan);
    }

    /** Writes what a finished build of each stage records. */
    private void finish(List<StageDecision> decisions) throws IOException {
        for (StageDecision d : decisions) {
            Files.writeString(work.resolve("image-" + d.stage().name() + ".qcow2"), "image");
            Files.writeString(work.resolve(d.stage().name() + ".done"),
                    KeyRecord.render(d.inputs().orElseThrow(), Instant.now()));
        }
    }

    private static List<String> actions(List<StageDecision> decisions) {
        return decisions.stream().map(d -> d.stage().name() + " " + d.action()).toList();
    }

    @Test
    void aFreshWorkDirBuildsEveryStageAndASecondRunReusesThemAll() throws Exception {
        List<StageDecision> first = decide();
        assertThat(actions(first)).containsExactly("stage0 BUILD", "stage1 BUILD", "stage2 BUILD");
        assertThat(first.get(0).reason()).isEqualTo("it has no finished image");
        assertThat(first.get(1).reason()).isEqualTo("stage0 before it is rebuilt");
        finish(first);
        List<StageDecision> again = decide();
        assertThat(actions(again)).containsExactly("stage0 REUSE", "stage1 REUSE", "stage2 REUSE");
        assertThat(again).allSatisfy(d -> assertThat(d.reason()).isEqualTo("nothing changed"));
    }

    @Test
    void aChangedScriptRebuildsItsStageAndTheOnesAfterNamingTheFile() throws Exception {
        finish(decide());
        file("stages/stage1/00-user/00-run-chroot.sh", "echo \"$FIRST_USER_NAME\" changed\n");
        List<StageDecision> after = decide();
        assertThat(actions(after)).containsExactly("stage0 REUSE", "stage1 BUILD", "stage2 BUILD");
        assertThat(after.get(1).reason()).isEqualTo("00-user/00-run-chroot.sh changed");
        assertThat(after.get(2).reason()).isEqualTo("stage1 before it is rebuilt");
    }

    @Test
    void aModeChangeANewFileAndARemovedOneCount() throws Exception {
        finish(decide());
        Files.setPosixFilePermissions(base.resolve("stages/stage2/00-last/00-run-chroot.sh"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        file("stages/stage2/01-more/00-packages", "vim\n");
        Files.delete(base.resolve("stages/stage0/00-base/00-run-chroot.sh"));
        file("stages/stage0/00-base/00-run.sh", "true\n");
        assertThat(decide().get(0).reason()).isEqualTo("00-base/00-run.sh is new, 00-base/00-run-chroot.sh is gone");
        finish(decide());
        assertThat(actions(decide())).containsExactly("stage0 REUSE", "stage1 REUSE", "stage2 REUSE");
    }

    @Test
    void aConfigValueChangesTheStagesThatSeeIt() throws Exception {
        finish(decide());
        List<StageDecision> after = decide("TARGET_HOSTNAME", "other");
        assertThat(actions(after)).containsExactly("stage0 BUILD", "stage1 BUILD", "stage2 BUILD");
        assertThat(after.get(0).reason()).isEqualTo("TARGET_HOSTNAME changed");
    }

    @Test
    void aStageThatDeclaresItsVariablesIgnoresTheOthers() throws Exception {
        file("stages/stage0/VARIABLES", "# what stage0 uses\nRELEASE\n");
        file("stages/stage1/VARIABLES", "FIRST_USER_NAME\n");
        finish(decide());
        assertThat(actions(decide("TARGET_HOSTNAME", "other"))).containsExactly("stage0 REUSE", "stage1 REUSE", "stage2 BUILD");
        List<StageDecision> user = decide("FIRST_USER_NAME", "anna");
        assertThat(actions(user)).containsExactly("stage0 REUSE", "stage1 BUILD", "stage2 BUILD");
        assertThat(user.get(1).reason()).isEqualTo("FIRST_USER_NAME changed");
    }

    @Test
    void engineVariablesAlwaysCountAndOutputNamesNever() throws Exception {
        file("stages/stage0/VARIABLES", "RELEASE\n");
        finish(decide());
        assertThat(decide("INSTALL_RECOMMENDS", "1").get(0).reason()).isEqualTo("INSTALL_RECOMMENDS changed");
        assertThat(actions(decide("IMG_DATE", "2030-01-01", "IMG_NAME", "other", "DEPLOY_COMPRESSION", "xz", "CLEAN", "0")))
                .containsOnly("stage0 REUSE", "stage1 REUSE", "stage2 REUSE");
    }

    @Test
    void theExportFileIsNotPartOfTheStageKey() throws Exception {
        finish(decide());
        file("stages/stage2/EXPORT_IMAGE", "IMG_SUFFIX=-other\n");
        assertThat(decide().get(2).action()).isEqualTo(Action.REUSE);
    }

    @Test
    void secretsAreKeyedWithoutTheirValue() throws Exception {
        finish(decide("FIRST_USER_PASS", "s3cret-pass"));
        String record = Files.readString(work.resolve("stage1.done"));
        assertThat(record).doesNotContain("s3cret-pass").contains("var:FIRST_USER_PASS\tpbkdf2:");
        List<StageDecision> after = decide("FIRST_USER_PASS", "another-pass");
        assertThat(after.get(0).reason()).isEqualTo("FIRST_USER_PASS changed");
    }

    @Test
    void cleanRebuildsAndContinueReusesWhatChanged() throws Exception {
        finish(decide());
        assertThat(actions(decide("CLEAN", "1"))).containsOnly("stage0 BUILD", "stage1 BUILD", "stage2 BUILD");
        assertThat(decide("CLEAN", "1").get(0).reason()).isEqualTo("CLEAN=1");
        file("stages/stage1/00-user/00-run-chroot.sh", "echo changed\n");
        List<StageDecision> continued = decide("CONTINUE", "1");
        assertThat(actions(continued)).containsExactly("stage0 REUSE", "stage1 REUSE", "stage2 REUSE");
        assertThat(continued.get(1).reason()).isEqualTo("CONTINUE=1, although 00-user/00-run-chroot.sh changed");
        assertThat(continued.get(2).reason()).isEqualTo("nothing changed");
    }

    @Test
    void aMarkerFromAnOlderStrataIsRebuiltUnlessContinue() throws Exception {
        finish(decide());
        Files.writeString(work.resolve("stage0.done"), "finished 2026-01-01T00:00:00Z\n");
        assertThat(decide().get(0).reason()).contains("records no key");
        assertThat(decide("CONTINUE", "1").get(0).action()).isEqualTo(Action.REUSE);
    }

    @Test
    void aSkippedStageIsTheBaseOnlyWhileNothingBeforeItWasRebuilt() throws Exception {
        finish(decide());
        assertThat(actions(decide("SKIP_STAGE_LIST", "stage1")))
                .containsExactly("stage0 REUSE", "stage1 SKIP_AS_BASE", "stage2 REUSE");
        file("stages/stage0/00-base/00-run-chroot.sh", "echo changed\n");
        assertThat(actions(decide("SKIP_STAGE_LIST", "stage1")))
                .containsExactly("stage0 BUILD", "stage1 SKIP", "stage2 BUILD");
    }

    @Test
    void aVariablesFileWithSomethingElseIsBadInput() throws Exception {
        file("stages/stage1/VARIABLES", "FIRST_USER_NAME\n$HOME\n");
        assertThatThrownBy(this::decide).isInstanceOf(BadInputException.class)
                .hasMessageContaining("names '$HOME', which is not a variable name");
    }

    @Test
    void exportKeysFollowTheirStageAndOutputVariables() throws Exception {
        BuildConfig config = config();
        InputCollector inputs = new InputCollector(config, SALT, "test", "test");
        Path marker = base.resolve("stages/stage2/EXPORT_IMAGE");
        KeyInputs export = inputs.forExport("stagekey", marker);
        assertThat(new InputCollector(config("IMG_DATE", "2030-01-01"), SALT, "test", "test").forExport("stagekey", marker)
                .changesSince(export, 3)).isEqualTo("IMG_DATE changed, SOURCE_DATE_EPOCH changed");
        assertThat(inputs.forExport("otherkey", marker).changesSince(export, 3)).isEqualTo("the stage image changed");
        assertThat(new InputCollector(config("CONTINUE", "1"), SALT, "test", "test").forExport("stagekey", marker).key())
                .isEqualTo(export.key());
        assertThat(new InputCollector(config, SALT, "test", "other export scripts").forExport("stagekey", marker).changesSince(export, 3))
                .isEqualTo("Strata (version or its scripts) changed");
    }

    /** stage0 - stage1 - stage2, and two branches on stage2: stage3a (named in PREV_STAGE) beside stage3b. */
    private void branches() throws IOException {
        file("stages/stage3a/00-x/00-run-chroot.sh", "echo x\n");
        file("stages/stage3a/PREV_STAGE", "stage2\n");
        file("stages/stage3b/00-y/00-run-chroot.sh", "echo y\n");
        file("stages/stage3b/PREV_STAGE", "# builds on the lite system\nstage2\n");
    }

    private static Map<String, String> bases(List<StageDecision> decisions) {
        Map<String, String> bases = new java.util.LinkedHashMap<>();
        decisions.forEach(d -> bases.put(d.stage().name(), d.base().orElse("-")));
        return bases;
    }

    @Test
    void branchesBuildOnTheStageTheirFileNamesAndAChangeRebuildsOnlyItsOwnBranch() throws Exception {
        branches();
        List<StageDecision> first = decide();
        assertThat(bases(first)).containsExactly(Map.entry("stage0", "-"), Map.entry("stage1", "stage0"),
                Map.entry("stage2", "stage1"), Map.entry("stage3a", "stage2"), Map.entry("stage3b", "stage2"));
        assertThat(first.get(3).inputs().orElseThrow().key()).isNotEqualTo(first.get(4).inputs().orElseThrow().key());
        finish(first);
        file("stages/stage3a/00-x/00-run-chroot.sh", "echo x changed\n");
        List<StageDecision> after = decide();
        assertThat(actions(after)).containsExactly("stage0 REUSE", "stage1 REUSE", "stage2 REUSE", "stage3a BUILD",
                "stage3b REUSE");
        file("stages/stage2/00-last/00-run-chroot.sh", "echo last changed\n");
        List<StageDecision> trunk = decide();
        assertThat(actions(trunk)).containsExactly("stage0 REUSE", "stage1 REUSE", "stage2 BUILD", "stage3a BUILD",
                "stage3b BUILD");
        assertThat(trunk.get(4).reason()).isEqualTo("stage2 before it is rebuilt");
    }

    @Test
    void withoutAFileAStageBuildsOnTheOneBeforeItAndASkippedBaseWithoutImageIsPassedThrough() throws Exception {
        file("stages/stage3/00-z/00-run-chroot.sh", "echo z\n");
        assertThat(bases(decide("SKIP_STAGE_LIST", "stage2"))).containsEntry("stage3", "stage1");
        branches();
        assertThat(bases(decide("SKIP_STAGE_LIST", "stage2"))).containsEntry("stage3a", "stage1")
                .containsEntry("stage3b", "stage1").containsEntry("stage3", "stage1");
    }
}
