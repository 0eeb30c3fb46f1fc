package io.strata.reuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.strata.plan.Stage;

/**
 * An image's identity is the same for two builds of one config (whose keys differ by the salt of their
 * secret digests and by where they deploy) and differs when anything the image holds does.
 */
class ImageIdentityTest {

    private static Stage stage(String name) {
        return new Stage(name, Path.of("stages", name), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty());
    }

    /** stage0, and stage1 on it, as one work dir keys them: {@code password} is its salted digest. */
    private static Map<String, StageDecision> chain(String password, String hostname) {
        KeyInputs stage0 = new KeyInputs(new TreeMap<>(Map.of("previous", "none", "file:prerun.sh", "aa", "var:RELEASE", "trixie")));
        KeyInputs stage1 = new KeyInputs(new TreeMap<>(Map.of("previous", stage0.key(), "file:00-run.sh", "bb",
                "var:FIRST_USER_PASS", password, "var:TARGET_HOSTNAME", hostname)));
        return Map.of("stage0", new StageDecision(stage("stage0"), StageDecision.Action.BUILD, "new", Optional.of(stage0),
                stage0.key(), Optional.empty()),
                "stage1", new StageDecision(stage("stage1"), StageDecision.Action.BUILD, "new", Optional.of(stage1),
                        stage1.key(), Optional.of("stage0")));
    }

    private static String identity(Map<String, StageDecision> chain, String deployDir) {
        StageDecision exported = chain.get("stage1");
        KeyInputs export = new KeyInputs(new TreeMap<>(Map.of("stage", exported.chainKey(), "file:EXPORT_IMAGE", "cc",
                "var:DEPLOY_DIR", deployDir, "var:IMG_NAME", "lite", "var:FIRST_USER_PASS",
                exported.inputs().orElseThrow().digests().get("var:FIRST_USER_PASS"))));
        return ImageIdentity.of(exported, chain, export);
    }

    @Test
    void twoWorkDirsWithOtherSaltsAndDeployDirsGiveOneIdentity() {
        String here = identity(chain("pbkdf2-salt-one", "strata"), "/srv/deploy");
        String there = identity(chain("pbkdf2-salt-two", "strata"), "/tmp/elsewhere");
        assertThat(here).isEqualTo(there).hasSize(64);
    }

    @Test
    void thePasswordSaltsIdentityLeavesOutTheSubstagesFilesSoACheckpointsSaltIsAFreshBuilds() {
        Stage stage1 = new Stage("stage1", Path.of("stages/stage1"), Optional.empty(), Optional.empty(),
                List.of(new io.strata.plan.SubStage("00-user", Path.of("stages/stage1/00-user"), false, List.of(), List.of())),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty());
        java.util.function.BiFunction<String, String, String> settings = (script, hostname) -> {
            KeyInputs inputs = new KeyInputs(new TreeMap<>(Map.of("previous", "none", "file:00-user/00-run.sh", script,
                    "var:TARGET_HOSTNAME", hostname)));
            return ImageIdentity.ofStageSettings(new StageDecision(stage1, StageDecision.Action.BUILD, "new", Optional.of(inputs),
                    inputs.key(), Optional.empty()), Map.of());
        };
        assertThat(settings.apply("aa", "strata")).isEqualTo(settings.apply("edited", "strata"))
                .isNotEqualTo(settings.apply("aa", "other-host"));
    }

    @Test
    void whatTheImageHoldsChangesIt() {
        assertThat(identity(chain("pbkdf2-salt-one", "strata"), "/srv/deploy"))
                .isNotEqualTo(identity(chain("pbkdf2-salt-one", "other-host"), "/srv/deploy"));
    }

    @Test
    void aPasswordSaltIsAYescryptSettingOfItsStage() {
        String salt = ImageIdentity.passwordSalt("stage identity");
        assertThat(salt).matches("\\$y\\$j9T\\$[./0-9A-Za-z]{21}[./01]").isEqualTo(ImageIdentity.passwordSalt("stage identity"))
                .isNotEqualTo(ImageIdentity.passwordSalt("another stage"));
    }

    @Test
    void aPackageLockChangesTheKeyButNotTheImagesIdentity() {
        KeyInputs plain = new KeyInputs(new TreeMap<>(Map.of("previous", "none", "var:RELEASE", "trixie")));
        KeyInputs locked = new KeyInputs(new TreeMap<>(Map.of("previous", "none", "var:RELEASE", "trixie",
                InputCollector.PACKAGE_LOCK_INPUT, "lock-digest")));
        assertThat(locked.key()).isNotEqualTo(plain.key());
        assertThat(ImageIdentity.publicForm(locked, "previous", "none").key())
                .isEqualTo(ImageIdentity.publicForm(plain, "previous", "none").key());
    }

    @Test
    void anUnsetSecretIsNotASetOne() {
        KeyInputs set = new KeyInputs(new TreeMap<>(Map.of("var:WPA_PASSWORD", "pbkdf2-digest")));
        KeyInputs unset = new KeyInputs(new TreeMap<>(Map.of("var:WPA_PASSWORD", "unset")));
        assertThat(ImageIdentity.publicForm(set, "previous", "x").digests()).containsEntry("var:WPA_PASSWORD", "secret");
        assertThat(ImageIdentity.publicForm(unset, "previous", "x").digests()).containsEntry("var:WPA_PASSWORD", "unset");
    }
}
