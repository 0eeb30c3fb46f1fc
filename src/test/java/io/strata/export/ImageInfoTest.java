package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.strata.config.BuildConfig;
import io.strata.config.Compression;
import io.strata.config.ConfigValidator;
import io.strata.config.RawConfig;
import io.strata.config.Variables;

class ImageInfoTest {

    private static BuildConfig config() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        Variables.ALL.forEach(v -> {
            if (v.defaultValue() != null) {
                values.put(v.name(), v.defaultValue());
            }
        });
        values.putAll(Map.of("IMG_NAME", "myos", "IMG_DATE", "2026-11-22", "BASE_DIR", "/b", "WORK_DIR", "/b/w",
                "DEPLOY_DIR", "/b/d", "FIRST_USER_PASS", "Hunter2-secret", "WPA_ESSID", "home",
                "WPA_PASSWORD", "wifi-passphrase-9"));
        return ConfigValidator.validate(new RawConfig(values, Set.of()));
    }

    @Test
    void listsConfigWithSecretsMaskedAndEveryPackage() throws Exception {
        DeployNames names = DeployNames.of("2026-11-22", "myos", "-lite", Compression.ZIP);

        String info = ImageInfo.render(config(), "stage2", names, "ab12", 4096, List.of("6.1.0-28-arm64"),
                List.of("bash 5.2.15-2+b7", "sudo 1.9.13p3-1+deb12u1"), "1.0", Instant.parse("2026-11-22T10:00:00Z"));

        assertThat(info).contains("Image: image_2026-11-22-myos-lite.img\n", "Deploy file: image_2026-11-22-myos-lite.zip\n",
                "Image sha256: ab12\n", "Stage: stage2\n", "Target: Raspberry Pi arm64, Debian trixie\n",
                "Kernel: 6.1.0-28-arm64\n", "FIRST_USER_PASS=********\n", "WPA_PASSWORD=********\n",
                "WPA_ESSID=home\n", "Packages (2):\nbash 5.2.15-2+b7\nsudo 1.9.13p3-1+deb12u1\n");
        assertThat(info).doesNotContain("Hunter2-secret").doesNotContain("wifi-passphrase-9");
    }

    @Test
    void credentialsInUrlsAndTheUsersOwnSecretsAreMasked() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        Variables.ALL.forEach(v -> {
            if (v.defaultValue() != null) {
                values.put(v.name(), v.defaultValue());
            }
        });
        values.putAll(Map.of("IMG_NAME", "myos", "IMG_DATE", "2026-11-22", "BASE_DIR", "/b", "WORK_DIR", "/b/w",
                "DEPLOY_DIR", "/b/d", "APT_PROXY", "http://builder:Proxy-Pw-1@cache.lan:3142",
                "MY_API_TOKEN", "tok-123456", "db_password", "Db-Pw-77", "MY_PACKAGES", "vim htop"));
        BuildConfig config = ConfigValidator.validate(new RawConfig(values, Set.of("MY_API_TOKEN", "db_password", "MY_PACKAGES")));
        String info = ImageInfo.render(config, "stage2", DeployNames.of("2026-11-22", "myos", "-lite", Compression.ZIP),
                "ab12", 4096, List.of(), List.of(), "1.0", Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(info).contains("APT_PROXY=http://builder:********@cache.lan:3142\n", "MY_API_TOKEN=********\n",
                "db_password=********\n", "MY_PACKAGES=vim htop\n", "KEYBOARD_KEYMAP=us\n", "ALLOW_DEFAULT_PASSWORD=0\n")
                .doesNotContain("Proxy-Pw-1", "tok-123456", "Db-Pw-77");
        assertThat(config.secretValues()).contains("Proxy-Pw-1", "tok-123456", "Db-Pw-77");
    }
}
