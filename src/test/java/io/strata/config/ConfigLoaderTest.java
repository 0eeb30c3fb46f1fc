package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/** The config is sourced by a real bash, as pi-gen does. */
class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(new SystemProcessRunner(LineSink.DISCARD));
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

    private RawConfig load(String config, Map<String, String> env) throws Exception {
        Path file = dir.resolve("my.cfg");
        Files.writeString(file, config);
        return loader.load(Optional.of(file), dir, env, Path.of("/opt/strata"), TODAY);
    }

    @Test
    void shellIdiomsWorkAsInBash() throws Exception {
        RawConfig raw = load("""
                IMG_NAME=base
                IMG_NAME="${IMG_NAME}-lite"
                if [ "$IMG_NAME" = base-lite ]; then TARGET_ARCH=armhf; fi
                STAGE_LIST="stage0 $(echo stage1)"
                """, Map.of());
        assertThat(raw.get("IMG_NAME")).isEqualTo("base-lite");
        assertThat(raw.get("TARGET_ARCH")).isEqualTo("armhf");
        assertThat(raw.get("STAGE_LIST")).isEqualTo("stage0 stage1");
    }

    @Test
    void defaultsFillWhatIsNotSet() throws Exception {
        RawConfig raw = load("IMG_NAME=x\n", Map.of());
        assertThat(raw.get("TARGET_ARCH")).isEqualTo("arm64");
        assertThat(raw.get("RELEASE")).isEqualTo("trixie");
        assertThat(raw.get("FIRST_USER_NAME")).isEqualTo("pi");
        assertThat(raw.get("IMG_DATE")).isEqualTo("2026-11-22");
        assertThat(raw.get("BASE_DIR")).isEqualTo("/opt/strata");
        assertThat(raw.get("WORK_DIR")).isEqualTo("/opt/strata/work/x");
        assertThat(raw.get("DEPLOY_DIR")).isEqualTo("/opt/strata/deploy");
        assertThat(raw.values()).doesNotContainKey("APT_PROXY");
    }

    @Test
    void environmentOverridesTheConfigFile() throws Exception {
        RawConfig raw = load("IMG_NAME=fromfile\nMY_OWN=file\n", Map.of("IMG_NAME", "fromenv", "MY_OWN", "env"));
        assertThat(raw.get("IMG_NAME")).isEqualTo("fromenv");
        assertThat(raw.get("MY_OWN")).isEqualTo("env");
    }

    @Test
    void theUsersOwnVariablesAreKeptForStageScripts() throws Exception {
        RawConfig raw = load("IMG_NAME=x\nMY_PACKAGES='vim htop'\n", Map.of());
        assertThat(raw.custom()).containsExactly("MY_PACKAGES");
        assertThat(raw.get("MY_PACKAGES")).isEqualTo("vim htop");
    }

    @Test
    void aConfigFileInTheWorkingDirectoryIsReadFirst() throws Exception {
        Files.writeString(dir.resolve("config"), "IMG_NAME=fromconfig\nTARGET_ARCH=armhf\n");
        RawConfig raw = load("TARGET_ARCH=amd64\n", Map.of());
        assertThat(raw.get("IMG_NAME")).isEqualTo("fromconfig");
        assertThat(raw.get("TARGET_ARCH")).isEqualTo("amd64");
    }

    @Test
    void aFailingConfigIsBadInput() {
        assertThatThrownBy(() -> load("IMG_NAME=x\nfalse\n", Map.of()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("failed when bash sourced it");
    }

    @Test
    void aConfigThatWritesToStandardOutputIsBadInput() {
        assertThatThrownBy(() -> load("IMG_NAME=x\necho hello\n", Map.of()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("writes to standard output (hello)");
    }

    @Test
    void aMissingConfigFileIsBadInput() {
        assertThatThrownBy(() -> loader.load(Optional.of(dir.resolve("nope.cfg")), dir, Map.of(), dir, TODAY))
                .isInstanceOf(BadInputException.class).hasMessageContaining("does not exist");
    }

    @Test
    void binaryJunkIsBadInput() throws Exception {
        Path file = dir.resolve("junk.cfg");
        Files.write(file, new byte[] {0x7f, 'E', 'L', 'F', 0, 1, 2});
        assertThatThrownBy(() -> loader.load(Optional.of(file), dir, Map.of(), dir, TODAY))
                .isInstanceOf(BadInputException.class).hasMessageContaining("binary data");
    }

    @Test
    void aHugeConfigIsBadInput() throws Exception {
        Path file = dir.resolve("huge.cfg");
        Files.writeString(file, "# padding\n".repeat(1_100_000));
        assertThatThrownBy(() -> loader.load(Optional.of(file), dir, Map.of(), dir, TODAY))
                .isInstanceOf(BadInputException.class).hasMessageContaining("larger than 1 MiB");
    }

    @Test
    void anExitHalfWayIsBadInputNotASilentDefault() {
        assertThatThrownBy(() -> load("IMG_NAME=x\nexit 0\nFIRST_USER_PASS=mine\n", Map.of()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("ends bash with `exit`");
    }

    @Test
    void aFailingLineNeverShowsTheSecretItAssigns() {
        assertThatThrownBy(() -> load("IMG_NAME=x\nWPA_PASSWORD=correct horse battery staple\n", Map.of()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("failed when bash sourced it")
                .hasMessageContaining("********: command not found").hasMessageNotContaining("horse");
    }

    @Test
    void aDotConfigGetsTheChecksOfAConfigFile() throws Exception {
        Files.write(dir.resolve("config"), new byte[] {'A', '=', 0, '\n'});
        assertThatThrownBy(() -> load("IMG_NAME=x\n", Map.of()))
                .isInstanceOf(BadInputException.class).hasMessageContaining(dir.resolve("config") + " holds binary data");
    }

    @Test
    void theLoaderLeavesNoTemporaryFile() throws Exception {
        long before = strataTempFiles();
        load("IMG_NAME=x\n", Map.of());
        assertThatThrownBy(() -> load("IMG_NAME=x\nfalse\n", Map.of())).isInstanceOf(BadInputException.class);
        assertThat(strataTempFiles()).isEqualTo(before);
    }

    private static long strataTempFiles() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("strata-config")).count();
        }
    }
}
