package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;

/**
 * A Raspberry Pi arm64 "lite" image built from scratch by {@code ./build} (through qemu-user), with
 * BOOT_TEST=1 so the build itself boots it on QEMU's virt machine with the kernel and initrd from
 * its boot partition, and checks it. Then the boot partition is read with mtools.
 */
@Tag("integration")
class PiLiteImageIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-pi");
    private static final Path DEPLOY = DIR.resolve("deploy");
    private static final String BASE = "image_2026-11-22-it-pi-lite";
    private static final String PASSWORD = "Pi-Secret-2718";

    private static Host.Result build;

    @BeforeAll
    static void buildAndBootThePiImage() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "qemu-aarch64-static", "qemu-system-aarch64",
                "mcopy", "sfdisk");
        assertThat(HostLeftovers.below(DIR)).as("attached from an earlier run").isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(DIR);
        Path config = Files.writeString(DIR.resolve("pi.cfg"), """
                IMG_NAME=it-pi
                IMG_DATE=2026-11-22
                TARGET_RASPI=1
                TARGET_ARCH=arm64
                TARGET_HOSTNAME=it-pi
                FIRST_USER_NAME=pi
                FIRST_USER_PASS=%s
                ENABLE_SSH=1
                TIMEZONE_DEFAULT=Europe/London
                LOCALE_DEFAULT=en_GB.UTF-8
                DEPLOY_COMPRESSION=none
                BOOT_TEST=1
                WORK_DIR=%s/work
                STAGE_STORE_DIR=%s/store
                DEPLOY_DIR=%s
                STAGE_LIST="stage0 stage1 stage2"
                """.formatted(PASSWORD, DIR, DIR, DEPLOY));
        // Under qemu-user the one initramfs run alone takes 10 to 17 minutes on these 2-core machines.
        build = Host.run(java.time.Duration.ofMinutes(75), REPO, java.util.Map.of(), REPO.resolve("build").toString(),
                "-c", config.toString());
    }

    @Test
    void theBuildBootsItsImageOnQemuVirtAndEveryCheckPasses() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("qemu-system-aarch64", "PASS  login", "PASS  hostname", "PASS  sudo",
                "PASS  system running", "PASS  locale", "PASS  timezone", "PASS  boot partition", "PASS  sshd listening",
                "PASS  ssh host keys", "PASS  boot time", "Boot check passed").doesNotContain("FAIL ");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    void theBootPartitionHoldsTheFirmwareKernelAndACmdlineNamingTheRootPartuuid() throws Exception {
        Path image = DEPLOY.resolve(BASE + ".img");
        String dump = Host.output(DIR, "sfdisk", "--dump", image.toString());
        String signature = dump.lines().filter(l -> l.startsWith("label-id:")).findFirst().orElseThrow()
                .replaceFirst("label-id: 0x", "").strip();
        String fat = image + "@@" + (4L << 20);
        String files = Host.output(DIR, "mdir", "-b", "-i", fat, "::/");
        assertThat(files).contains("::/config.txt", "::/cmdline.txt", "::/start4.elf", "::/bcm2711-rpi-4-b.dtb");
        Path cmdline = DIR.resolve("cmdline.txt");
        Host.output(DIR, "mcopy", "-n", "-i", fat, "::/cmdline.txt", cmdline.toString());
        assertThat(Files.readString(cmdline)).contains("root=PARTUUID=" + signature + "-02");
        Host.Result grep = Host.run(DIR, "grep", "-a", "-c", "-F", "-e", PASSWORD, image.toString());
        assertThat(grep.exitCode()).as("FIRST_USER_PASS in the image").isEqualTo(1);
    }
}
