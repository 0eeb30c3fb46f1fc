package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;
import io.strata.testing.RootFileSystem;
import io.strata.testing.PiBootPartition;
import io.strata.testing.SuiteBuilds;

/**
 * A Raspberry Pi arm64 "lite" image built from scratch by {@code ./build} (through qemu-user), with
 * BOOT_TEST=1 so the build itself boots it on QEMU's virt machine with the kernel and initrd from
 * its boot partition, and checks it. Then the boot partition is read with mtools. The build is the
 * suite's ({@link SuiteBuilds#pi()}): it runs beside the PC builds of ConcurrentBuildsIT, and its
 * stage2 leaves out the packages the PC image installs and checks for both targets
 * ({@link SuiteBuilds#PI_STAGE2_LEAVES_OUT}).
 */
@Tag("integration")
@Tag("image")
class PiLiteImageIT {

    private static final Path DIR = SuiteBuilds.PI_DIR;
    private static final Path DEPLOY = DIR.resolve("deploy");
    private static final String BASE = "image_2026-11-22-it-pi-lite";

    private static Host.Result build;

    @BeforeAll
    static void buildAndBootThePiImage() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "qemu-system-aarch64",
                "mcopy", "sfdisk");
        build = SuiteBuilds.pi().get();
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
        PiBootPartition.assertBootable(image, DIR);
        Host.Result grep = Host.run(DIR, "grep", "-a", "-c", "-F", "-e", SuiteBuilds.PI_PASSWORD, image.toString());
        assertThat(grep.exitCode()).as("FIRST_USER_PASS in the image").isEqualTo(1);
    }

    /** update-ca-certificates ran once, by the host's tools, and left the image as its own run would. */
    @Test
    void theCertificatesAreLinkedAndBundledAndTheDeferralLeftNothing() throws Exception {
        assertThat(DIR.resolve("work/build.log")).content().contains("update-ca-certificates: run by the host's tools");
        Path image = DEPLOY.resolve(BASE + ".img");
        String bundle = RootFileSystem.debugfs(image, "cat /etc/ssl/certs/ca-certificates.crt");
        assertThat(bundle.split("BEGIN CERTIFICATE", -1).length - 1).as("certificates in the bundle").isGreaterThan(100);
        String links = RootFileSystem.debugfs(image, "ls /etc/ssl/certs");
        assertThat(links).containsPattern("[0-9a-f]{8}\\.0");
        assertThat(RootFileSystem.debugfs(image, "cat /usr/sbin/update-ca-certificates"))
                .contains("CERTSCONF=/etc/ca-certificates.conf").doesNotContain("strata: build-time only");
        assertThat(RootFileSystem.debugfs(image, "ls /usr/sbin")).doesNotContain("strata-deferred");
        assertThat(RootFileSystem.debugfs(image, "cat /var/lib/dpkg/diversions")).doesNotContain("strata");
    }
}
