package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;

/**
 * Builds stopped at the worst moments: SIGKILL during the bootstrap, during a package install and
 * during the export, and SIGINT inside a chroot step. After SIGINT nothing is left; after SIGKILL
 * {@code ./imagetool --cleanup} leaves nothing, and the next {@code CONTINUE=1 ./build} completes with
 * a correct image, never reusing the stage that was killed.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-faults");
    private static final Path LOG = DIR.resolve("work/build.log");
    private static Path config;

    @BeforeAll
    static void stages() throws IOException, InterruptedException {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare", "sfdisk", "mcopy", "debugfs");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        write("stages/base/prerun.sh", "#!/bin/bash -e\nbootstrap \"${RELEASE}\" \"${ROOTFS_DIR}\"\n");
        Files.setPosixFilePermissions(DIR.resolve("stages/base/prerun.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write("stages/base/00-fstab/00-run.sh", "#!/bin/bash -e\nmkdir -p \"${ROOTFS_DIR}/boot/efi\"\n"
                + "printf 'BOOTDEV /boot/efi vfat defaults 0 2\\nROOTDEV / ext4 defaults 0 1\\n' > \"${ROOTFS_DIR}/etc/fstab\"\n"
                + "echo faults > \"${ROOTFS_DIR}/etc/hostname\"\n");
        Files.setPosixFilePermissions(DIR.resolve("stages/base/00-fstab/00-run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write("stages/pkgs/00-a/00-packages", "perl grub-pc-bin grub2-common\n");
        // SLOW_TRAP=1: the step ends with exit 0 on SIGTERM, as a script that traps it would.
        write("stages/slow/00-a/00-run-chroot.sh", "if [ \"${SLOW_TRAP:-0}\" = 1 ]; then trap 'exit 0' TERM; fi\n"
                + "echo slow step started\nsleep \"${SLOW_STEP}\" &\nwait\n");
        write("stages/slow/EXPORT_IMAGE", "IMG_SUFFIX=-faults\n");
        config = write("faults.cfg", """
                IMG_NAME=faults
                IMG_DATE=2026-11-22
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                WORK_DIR=%1$s/work
                STAGE_STORE_DIR=
                DEPLOY_DIR=%1$s/deploy
                DEPLOY_COMPRESSION=none
                CONTINUE=1
                SLOW_STEP=0
                SLOW_TRAP=0
                STAGE_LIST="%1$s/stages/base %1$s/stages/pkgs %1$s/stages/slow"
                """.formatted(DIR));
    }

    private static Path write(String name, String content) throws IOException {
        Path file = DIR.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** How a crash takes the build: the JVM alone (its children live on), or its whole process group. */
    enum Kill { JVM, GROUP }

    /** Starts ./build, waits until build.log holds {@code after} and then {@code then}, and signals the JVM. */
    private static int buildAndSignal(String signal, String after, String then, long delayMillis, Map<String, String> env)
            throws Exception {
        return buildAndSignal(Kill.JVM, signal, after, then, delayMillis, env);
    }

    /**
     * As above; with {@link Kill#GROUP} the build runs as its own process group (setsid keeps its PID) and
     * the whole group is signalled, as a closed terminal or a stopped CI runner does.
     */
    private static int buildAndSignal(Kill kill, String signal, String after, String then, long delayMillis,
            Map<String, String> env) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(REPO.resolve("build").toString(), "-c", config.toString()));
        if (kill == Kill.GROUP) {
            argv.add(0, "setsid");
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true).redirectOutput(DIR.resolve("signalled.out").toFile()).directory(REPO.toFile());
        builder.environment().putAll(env);
        // The log grows across builds: only what this build writes counts.
        long logStart = Files.exists(LOG) ? Files.size(LOG) : 0;
        Process build = builder.start();
        for (int i = 0; i < 6000 && build.isAlive() && !logShows(logStart, after, then); i++) {
            Thread.sleep(50);
        }
        assertThat(build.isAlive()).as("the build still runs when " + then + " appears: "
                + Files.readString(DIR.resolve("signalled.out"))).isTrue();
        Thread.sleep(delayMillis);
        Host.output(DIR, "kill", "-" + signal, "--", (kill == Kill.GROUP ? "-" : "") + build.pid());
        assertThat(build.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return build.exitValue();
    }

    private static boolean logShows(long from, String after, String then) throws IOException {
        if (!Files.exists(LOG) || Files.size(LOG) <= from) {
            return false;
        }
        String log;
        try (var in = Files.newInputStream(LOG)) {
            in.skipNBytes(from);
            log = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        int at = log.lastIndexOf(after);
        return at >= 0 && log.indexOf(then, at) >= 0;
    }

    /** Whether SIGINT is ignored here, and so in every build started from here (/proc/self/status, SigIgn). */
    private static boolean sigintIgnored() throws IOException {
        String mask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> l.split("\\s+")[1]).findFirst().orElse("0");
        return (new java.math.BigInteger(mask, 16).longValue() & (1L << 1)) != 0;
    }

    /** One bare `./imagetool --cleanup`, as pi-gen's README gives it (no config), leaves nothing. */
    private static void cleanupLeavesNothing() throws Exception {
        Host.Result cleanup = Host.run(REPO, REPO.resolve("imagetool").toString(), "--cleanup");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(cleanup.output()).contains("Work dir " + DIR.resolve("work") + ":");
        assertThat(HostLeftovers.below(DIR)).as(cleanup.output()).isEmpty();
    }

    @Test
    @Order(1)
    void sigkillDuringTheBootstrap() throws Exception {
        int exit = buildAndSignal(Kill.GROUP, "KILL", "== stage base: prerun.sh", "", 4000, Map.of());
        assertThat(exit).isEqualTo(137);
        assertThat(HostLeftovers.below(DIR)).as("SIGKILL leaves the stage attached").isNotEmpty();
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/base.done")).doesNotExist();
    }

    @Test
    @Order(1)
    void sigkillOfTheJvmAloneDuringTheBootstrap() throws Exception {
        int exit = buildAndSignal(Kill.JVM, "KILL", "== stage base: prerun.sh", "", 3000, Map.of());
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/base.done")).doesNotExist();
    }

    @Test
    @Order(2)
    void sigkillOfTheWholeGroupDuringAPackageInstall() throws Exception {
        int exit = buildAndSignal(Kill.GROUP, "KILL", "== stage pkgs: 00-a/00-packages", "Unpacking", 300, Map.of());
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/pkgs.done")).doesNotExist();
    }

    @Test
    @Order(2)
    void sigkillDuringAPackageInstall() throws Exception {
        int exit = buildAndSignal("KILL", "== stage pkgs: 00-a/00-packages", "Unpacking", 300, Map.of());
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/base.done")).exists();
        assertThat(DIR.resolve("work/pkgs.done")).doesNotExist();
    }

    @Test
    @Order(3)
    void sigintInsideAChrootStepLeavesNothing() throws Exception {
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process tree (the tests were started in the background "
                + "by a non-interactive shell, which ignores it), so no build here can be interrupted with it: run the "
                + "tests in the foreground");
        int exit = buildAndSignal("INT", "== stage slow: 00-a/00-run-chroot.sh", "slow step started", 500,
                Map.of("SLOW_STEP", "300"));
        assertThat(exit).isNotZero();
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(Files.readString(DIR.resolve("work/ledger.yaml")).trim()).isEqualTo("[]");
        assertThat(Files.readString(DIR.resolve("signalled.out"))).contains("interrupted");
        assertThat(DIR.resolve("work/slow.done")).doesNotExist();
    }

    @Test
    @Order(3)
    void sigkillOfTheWholeGroupInsideAChrootStep() throws Exception {
        int exit = buildAndSignal(Kill.GROUP, "KILL", "== stage slow: 00-a/00-run-chroot.sh", "slow step started", 500,
                Map.of("SLOW_STEP", "300"));
        assertThat(exit).isEqualTo(137);
        assertThat(HostLeftovers.below(DIR)).as("qemu-nbd and nbdfuse run in sessions of their own").isNotEmpty();
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/slow.done")).doesNotExist();
    }

    @Test
    @Order(3)
    void sigtermThatAStepSurvivesStillSealsNothing() throws Exception {
        int exit = buildAndSignal(Kill.JVM, "TERM", "== stage slow: 00-a/00-run-chroot.sh", "slow step started", 500,
                Map.of("SLOW_STEP", "300", "SLOW_TRAP", "1"));
        assertThat(exit).isNotZero();
        assertThat(Files.readString(DIR.resolve("signalled.out"))).contains("interrupted");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(Files.readString(DIR.resolve("work/ledger.yaml")).trim()).isEqualTo("[]");
        assertThat(DIR.resolve("work/slow.done")).as("a cancelled stage is never sealed").doesNotExist();
    }

    @Test
    @Order(3)
    void sigkillOfTheJvmAloneInsideAChrootStep() throws Exception {
        int exit = buildAndSignal(Kill.JVM, "KILL", "== stage slow: 00-a/00-run-chroot.sh", "slow step started", 500,
                Map.of("SLOW_STEP", "300"));
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/slow.done")).doesNotExist();
    }

    /** Sealing starts with the finish step (initramfs, build-time files), then the release and the done marker. */
    @ParameterizedTest
    @EnumSource(Kill.class)
    @Order(3)
    void sigkillWhileAStageIsSealed(Kill kill) throws Exception {
        int exit = buildAndSignal(kill, "KILL", "== stage slow: finish", "", 0, Map.of());
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("work/slow.done")).as("a stage killed while it is sealed is not done").doesNotExist();
    }

    @Test
    @Order(4)
    void sigkillOfTheJvmAloneDuringTheExport() throws Exception {
        int exit = buildAndSignal(Kill.JVM, "KILL", "== stage slow: image export", "", 1500, Map.of());
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("deploy/image_2026-11-22-faults-faults.img")).doesNotExist();
    }

    @Test
    @Order(4)
    void sigkillDuringTheExport() throws Exception {
        int exit = buildAndSignal(Kill.GROUP, "KILL", "== stage slow: image export", "", 1500, Map.of());
        assertThat(exit).isEqualTo(137);
        cleanupLeavesNothing();
        assertThat(DIR.resolve("deploy/image_2026-11-22-faults-faults.img")).doesNotExist();
    }

    @Test
    @Order(5)
    void continueThenCompletesWithACorrectImage() throws Exception {
        Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", config.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[base] reused", "[pkgs] reused", "[slow]   image export ok");
        Path deploy = DIR.resolve("deploy");
        assertThat(Host.output(deploy, "sha256sum", "-c", "image_2026-11-22-faults-faults.img.sha256")).contains(": OK");
        try (var files = Files.list(deploy)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("partial")).toList()).isEmpty();
        }
        Path image = deploy.resolve("image_2026-11-22-faults-faults.img");
        String start = Host.output(DIR, "sfdisk", "--dump", image.toString()).lines().filter(l -> l.contains(".img2 "))
                .map(l -> l.replaceAll(".*start=\\s*(\\d+),.*", "$1")).findFirst().orElseThrow();
        String offset = image + "?offset=" + Long.parseLong(start) * 512;
        assertThat(Host.output(DIR, "debugfs", "-R", "cat /etc/hostname", offset)).contains("faults");
        assertThat(Host.output(DIR, "debugfs", "-R", "ls /usr/share/doc", offset)).contains("perl");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(List.of(DIR.resolve("work/base.done"), DIR.resolve("work/pkgs.done"), DIR.resolve("work/slow.done")))
                .allMatch(Files::exists);
    }

    @Test
    @Order(6)
    void aFullWorkDirFileSystemIsNamedAsTheCauseAndNothingIsLeftAttached() throws Exception {
        Path full = DIR.resolve("full");
        Files.createDirectories(full);
        Host.output(DIR, "mount", "-t", "tmpfs", "-o", "size=96m", "strata-it-full", full.toString());
        try {
            Path small = write("small.cfg", """
                    IMG_NAME=full
                    TARGET_RASPI=0
                    TARGET_ARCH=amd64
                    WORK_DIR=%1$s/work
                    STAGE_STORE_DIR=
                    STAGE_LIST="%2$s/stages/base"
                    """.formatted(full, DIR));
            Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", small.toString());
            assertThat(build.exitCode()).as(build.output()).isEqualTo(1);
            assertThat(build.output()).contains("the file system holding " + full.resolve("work") + " is full");
            assertThat(HostLeftovers.below(full.resolve("work"))).isEmpty();
        } finally {
            Host.run(DIR, "umount", full.toString());
        }
    }
}
