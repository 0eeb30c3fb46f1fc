package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;
import io.strata.testing.SuiteBuilds;

/**
 * Debian 12 "bookworm" stays supported beside the default trixie: the PC amd64 lite image of
 * RELEASE=bookworm, built with BOOT_TEST=1 (the build boots it and checks it), with its apt sources in
 * bookworm's one-line form.
 */
@Tag("integration")
@Tag("image")
class BookwormImageIT {

    private static final Path REPO = SuiteBuilds.REPO;
    private static final Path DIR = REPO.resolve("target/it-bookworm");
    private static final String PASSWORD = "Bookworm-Pass-12";
    private static Host.Result build;

    @BeforeAll
    static void buildAndBoot() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "qemu-system-x86_64", "debugfs");
        assertThat(HostLeftovers.below(DIR)).as("attached from an earlier run").isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(DIR);
        Path config = Files.writeString(DIR.resolve("bookworm.cfg"), """
                IMG_NAME=it-bookworm
                IMG_DATE=2026-11-22
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                RELEASE=bookworm
                TARGET_HOSTNAME=it-bookworm
                FIRST_USER_NAME=tester
                FIRST_USER_PASS=%s
                DEPLOY_COMPRESSION=none
                BOOT_TEST=1
                WORK_DIR=%s/work
                DEPLOY_DIR=%s/deploy
                STAGE_STORE_DIR=%s
                STAGE_LIST="stage0 stage1 stage2"
                """.formatted(PASSWORD, DIR, DIR, SuiteBuilds.store()));
        build = Host.run(Duration.ofMinutes(40), REPO, Map.of(), REPO.resolve("build").toString(), "-c", config.toString());
    }

    @Test
    void theBookwormImageBuildsAndPassesItsBootCheck() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("PASS  login", "PASS  hostname", "PASS  sudo", "PASS  system running",
                "PASS  locale", "PASS  boot partition", "Boot check passed").doesNotContain("FAIL ");
        Path image = DIR.resolve("deploy/image_2026-11-22-it-bookworm-lite.img");
        assertThat(Files.readString(DIR.resolve("deploy/image_2026-11-22-it-bookworm-lite.info")))
                .contains("Target: PC amd64, Debian bookworm").containsPattern("\nlinux-image-6\\.1\\.\\S+ ");
        String start = Host.output(DIR, "sfdisk", "--dump", image.toString()).lines().filter(l -> l.contains(".img2 "))
                .map(l -> l.replaceAll(".*start=\\s*(\\d+),.*", "$1")).findFirst().orElseThrow();
        String root = image + "?offset=" + Long.parseLong(start) * 512;
        assertThat(Host.output(DIR, "debugfs", "-R", "cat /etc/apt/sources.list", root))
                .contains("deb http://deb.debian.org/debian bookworm main", "bookworm-security");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }
}
