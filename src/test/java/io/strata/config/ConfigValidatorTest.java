package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConfigValidatorTest {

    /** A raw config with every default, as the loader leaves it, plus {@code overrides}. */
    @Test
    void sourceDateEpochIsWholeSecondsAndDefaultsToMidnightOfImgDateNeverTheClock() throws Exception {
        assertThat(ConfigLoader.midnightOf("2026-11-22")).isEqualTo(1795305600L);
        assertThat(ConfigLoader.midnightOf("release-7")).as("IMG_DATE that is no date").isZero();
        assertThat(ConfigValidator.validate(raw(Map.of())).sourceDate()).hasToString("2026-11-22T00:00:00Z");
        assertThatThrownBy(() -> ConfigValidator.validate(raw(Map.of("SOURCE_DATE_EPOCH", "yesterday"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("SOURCE_DATE_EPOCH='yesterday' is not a time");
    }

    static RawConfig raw(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        Variables.ALL.forEach(v -> {
            if (v.defaultValue() != null) {
                values.put(v.name(), v.defaultValue());
            }
        });
        values.put("IMG_NAME", "test");
        values.put("IMG_DATE", "2026-11-22");
        values.put("BASE_DIR", "/srv/strata");
        values.put("WORK_DIR", "/srv/strata/work/test");
        values.put("DEPLOY_DIR", "/srv/strata/deploy");
        values.put("SOURCE_DATE_EPOCH", Long.toString(ConfigLoader.midnightOf("2026-11-22")));
        values.putAll(overrides);
        values.values().removeIf(v -> v == null);
        return new RawConfig(values, Set.of());
    }

    private static Map<String, String> with(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static List<String> problems(String... pairs) {
        try {
            ConfigValidator.validate(raw(with(pairs)));
            return List.of();
        } catch (BadInputException e) {
            return e.problems();
        }
    }

    @Test
    void defaultsMakeAValidRaspberryPiArm64Config() throws Exception {
        BuildConfig config = ConfigValidator.validate(raw(Map.of()));
        assertThat(config.targetArch()).isEqualTo(Arch.ARM64);
        assertThat(config.targetRaspi()).isTrue();
        assertThat(config.release()).isEqualTo(Release.TRIXIE);
        assertThat(config.baseQcow2Size()).isEqualTo(15200L << 20);
        assertThat(config.workDir()).isEqualTo(Path.of("/srv/strata/work/test"));
        assertThat(config.stageList()).isEmpty();
        assertThat(config.continueBuild()).isFalse();
    }

    @Test
    void offlineNeedsALockAndNoRegistryAndALockNeedsTheCache(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(problems("OFFLINE", "1")).singleElement().asString()
                .startsWith("OFFLINE=1 builds exactly the packages of a lock").contains("set PACKAGE_LOCK");
        assertThat(problems("PACKAGE_LOCK", "/nonexistent/image.lock")).singleElement().asString()
                .startsWith("PACKAGE_LOCK='/nonexistent/image.lock' is not a readable file");
        Path lock = java.nio.file.Files.writeString(dir.resolve("image.lock"), "# Strata package lock\n");
        assertThat(problems("PACKAGE_LOCK", lock.toString(), "PACKAGE_CACHE_DIR", "")).singleElement().asString()
                .startsWith("PACKAGE_LOCK builds from the package cache");
        assertThat(problems("PACKAGE_LOCK", lock.toString(), "OFFLINE", "1", "STAGE_STORE_URL", "oci://registry.example.org/s"))
                .singleElement().asString().startsWith("OFFLINE=1 builds with no network, but STAGE_STORE_URL");
        BuildConfig config = ConfigValidator.validate(raw(with("PACKAGE_LOCK", lock.toString(), "OFFLINE", "1")));
        assertThat(config.packageLock()).contains(lock);
        assertThat(config.offline()).isTrue();
    }

    @Test
    void imgNameIsRequired() {
        assertThat(problems("IMG_NAME", "")).singleElement().asString()
                .startsWith("IMG_NAME is not set").contains("IMG_NAME=myimage");
    }

    @Test
    void imgNameMustBeUsableInFileNames() {
        assertThat(problems("IMG_NAME", "my image/x")).singleElement().asString().contains("IMG_NAME=my-image-x");
    }

    @Test
    void targetArchMustBeKnown() {
        assertThat(problems("TARGET_ARCH", "sparc", "TARGET_RASPI", "0")).singleElement().asString()
                .contains("TARGET_ARCH='sparc'").contains("arm64, armhf, i386, amd64");
    }

    @Test
    void raspberryPiNeedsAnArmArchitecture() {
        assertThat(problems("TARGET_ARCH", "amd64")).singleElement().asString()
                .contains("TARGET_RASPI=1 needs TARGET_ARCH=arm64 or armhf");
        assertThat(problems("TARGET_ARCH", "amd64", "TARGET_RASPI", "0", "BOOT_FSTYPE", "ext4")).isEmpty();
        assertThat(problems("TARGET_ARCH", "armhf")).isEmpty();
    }

    @Test
    void releaseMustBeSupported() {
        assertThat(problems("RELEASE", "buster")).singleElement().asString()
                .contains("RELEASE='buster'").contains("bullseye (11), bookworm (12), trixie (13, the default)");
        assertThat(problems("RELEASE", "trixie")).isEmpty();
        assertThat(problems("RELEASE", "bullseye")).isEmpty();
    }

    @Test
    void wpaPasswordHasEightToSixtyThreeCharacters() {
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "short")).singleElement().asString().contains("8 to 63");
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "x".repeat(64))).hasSize(1);
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "x".repeat(8))).isEmpty();
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "x".repeat(63))).isEmpty();
    }

    @Test
    void wpaPasswordNeverAppearsInAProblem() {
        assertThat(problems("WPA_ESSID", "home", "WPA_PASSWORD", "s3cr3t")).singleElement().asString().doesNotContain("s3cr3t");
    }

    @Test
    void firstUserNameMustBeAValidUserName() {
        assertThat(problems("FIRST_USER_NAME", "Bad User")).singleElement().asString().contains("FIRST_USER_NAME='Bad User'");
        assertThat(problems("FIRST_USER_NAME", "1abc")).hasSize(1);
        assertThat(problems("FIRST_USER_NAME", "a".repeat(33))).hasSize(1);
        assertThat(problems("FIRST_USER_NAME", "build-user_2")).isEmpty();
    }

    @Test
    void bootFsTypeIsOneOfThreeAndVfatOnAPi() {
        assertThat(problems("BOOT_FSTYPE", "ntfs")).singleElement().asString().contains("vfat, ext2, ext4");
        assertThat(problems("BOOT_FSTYPE", "xfs")).singleElement().asString().contains("vfat, ext2, ext4");
        assertThat(problems("BOOT_FSTYPE", "ext4")).singleElement().asString().contains("BOOT_FSTYPE=vfat");
        assertThat(problems("BOOT_FSTYPE", "ext4", "TARGET_RASPI", "0", "TARGET_ARCH", "amd64")).isEmpty();
    }

    @Test
    void sizesMustParse() {
        assertThat(problems("BASE_QCOW2_SIZE", "lots")).singleElement().asString().contains("BASE_QCOW2_SIZE='lots'");
        assertThat(problems("BASE_QCOW2_SIZE", "10M")).singleElement().asString().contains("at least 256M");
        assertThat(problems("ROOTFS_RO_OVERLAY_TMPFS_SIZE", "1X")).hasSize(1);
        assertThat(problems("BASE_QCOW2_SIZE", "4G")).isEmpty();
        assertThat(problems("ROOTFS_RO", "1", "ROOTFS_RO_OVERLAY_TMPFS_SIZE", "8M")).singleElement().asString()
                .contains("at least 32M");
        assertThat(problems("ROOTFS_RO", "0", "ROOTFS_RO_OVERLAY_TMPFS_SIZE", "8M")).isEmpty();
    }

    @Test
    void pathsMayNotHoldSpaces() {
        assertThat(problems("WORK_DIR", "/my work")).singleElement().asString().contains("white space");
        assertThat(problems("DEPLOY_DIR", "/out dir", "BASE_DIR", "/a b")).hasSize(2);
    }

    @Test
    void switchesTakeZeroOrOne() {
        assertThat(problems("ENABLE_SSH", "yes")).singleElement().asString().contains("ENABLE_SSH=1");
        assertThat(problems("CONTINUE", "1")).isEmpty();
    }

    @Test
    void liveSettingsAreCheckedAndALivePasswordIsASecret() throws Exception {
        assertThat(problems("LIVE_USER", "user")).singleElement().asString().contains("LIVE_USER=user/live");
        assertThat(problems("LIVE_USER", "Bad User/pw")).hasSize(1);
        assertThat(problems("LIVE_USER", "anna/")).hasSize(1);
        assertThat(problems("LIVE_USER", "anna/s3cret-pw")).isEmpty();
        assertThat(problems("LIVE_SQUASHFS_COMPRESSION", "rar")).singleElement().asString().contains("zstd, xz, gzip");
        assertThat(problems("PACKAGE_CACHE_DIR", "cache")).singleElement().asString().contains("absolute path");
        assertThat(problems("PACKAGE_CACHE_DIR", "")).isEmpty();
    }

    @Test
    void aptProxyMustBeAUrl() {
        assertThat(problems("APT_PROXY", "localhost:3142")).singleElement().asString().contains("http://");
        assertThat(problems("APT_PROXY", "http://127.0.0.1:3142")).isEmpty();
    }

    @Test
    void sshWithTheDefaultPasswordIsRefusedUnlessAllowed() {
        assertThat(problems("ENABLE_SSH", "1")).singleElement().asString().contains("ALLOW_DEFAULT_PASSWORD=1");
        assertThat(problems("ENABLE_SSH", "1", "ALLOW_DEFAULT_PASSWORD", "1")).isEmpty();
        assertThat(problems("ENABLE_SSH", "1", "FIRST_USER_PASS", "another-one")).isEmpty();
        assertThat(problems("ENABLE_SSH", "1", "PUBKEY_ONLY_SSH", "1", "PUBKEY_SSH_FIRST_USER", "ssh-ed25519 AAAA x")).isEmpty();
    }

    @Test
    void fiveMistakesAreReportedTogether() {
        List<String> found = problems("IMG_NAME", "", "TARGET_ARCH", "sparc", "RELEASE", "buster",
                "WPA_ESSID", "home", "WPA_PASSWORD", "short", "FIRST_USER_NAME", "Root User");
        assertThat(found).hasSize(5);
        assertThat(String.join("\n", found)).contains("IMG_NAME", "TARGET_ARCH", "RELEASE", "WPA_PASSWORD", "FIRST_USER_NAME");
    }

    @Test
    void listsAreSplitOnWhiteSpace() throws Exception {
        BuildConfig config = ConfigValidator.validate(raw(with("STAGE_LIST", " stage0  stage1\tmine ",
                "SKIP_STAGE_LIST", "stage1", "SKIP_IMAGES_LIST", "stage2 stage3")));
        assertThat(config.stageList()).containsExactly("stage0", "stage1", "mine");
        assertThat(config.skipStages()).containsExactly("stage1");
        assertThat(config.skipImages()).containsExactlyInAnyOrder("stage2", "stage3");
    }

    @Test
    void secretsAreTheNonEmptySecretVariables() throws Exception {
        BuildConfig config = ConfigValidator.validate(raw(with("FIRST_USER_PASS", "pw1", "WPA_PASSWORD", "")));
        assertThat(config.secretValues()).containsExactly("pw1");
        BuildConfig live = ConfigValidator.validate(raw(with("FIRST_USER_PASS", "pw1", "LIVE_USER", "anna/pw2")));
        assertThat(live.secretValues()).containsExactly("pw1", "pw2");
    }

    @Test
    void sizesAreMultiplesOf1024() {
        assertThat(Sizes.parse("15200M")).hasValue(15200L << 20);
        assertThat(Sizes.parse("4G")).hasValue(4L << 30);
        assertThat(Sizes.parse("512MiB")).hasValue(512L << 20);
        assertThat(Sizes.parse("64k")).hasValue(64L << 10);
        assertThat(Sizes.parse("1048576")).hasValue(1048576L);
        assertThat(Sizes.parse("1.5G")).isEmpty();
        assertThat(Sizes.parse("")).isEmpty();
        assertThat(Sizes.parse("99999999999999999999T")).isEmpty();
    }

    @Test
    void deployCompressionFollowsDeployZipUnlessSetItself() throws Exception {
        assertThat(ConfigValidator.validate(raw(Map.of())).compression()).isEqualTo(Compression.ZIP);
        assertThat(ConfigValidator.validate(raw(with("DEPLOY_ZIP", "0"))).compression()).isEqualTo(Compression.NONE);
        assertThat(ConfigValidator.validate(raw(with("DEPLOY_ZIP", "0", "DEPLOY_COMPRESSION", "xz"))).compression())
                .isEqualTo(Compression.XZ);
        assertThat(ConfigValidator.validate(raw(with("COMPRESSION_LEVEL", "9"))).compressionLevel()).isEqualTo(9);
    }

    @Test
    void exportSettingsAreChecked() {
        assertThat(problems("DEPLOY_COMPRESSION", "bzip2")).singleElement().asString()
                .contains("DEPLOY_COMPRESSION='bzip2'").contains("none, zip, gz, xz, zstd");
        assertThat(problems("COMPRESSION_LEVEL", "11")).singleElement().asString().contains("0 (fastest) to 9");
        assertThat(problems("APT_MIRROR", "deb.debian.org")).singleElement().asString()
                .contains("APT_MIRROR=http://deb.debian.org/debian");
        assertThat(problems("BUILD_MIRROR", "")).singleElement().asString().startsWith("BUILD_MIRROR=''");
    }
}
