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
import io.strata.testing.RootFileSystem;
import io.strata.testing.TestProxy;

/**
 * Builds stopped at the worst moments: SIGKILL during the bootstrap, during a package install and
 * during the export, and SIGINT inside a chroot step. After SIGINT nothing is left; after SIGKILL
 * {@code ./imagetool --cleanup} leaves nothing, and the next {@code CONTINUE=1 ./build} completes with
 * a correct image, never reusing the stage that was killed.
 */
@Tag("integration")
// Bare `imagetool --cleanup` runs, or leftovers left on purpose for a cleanup of its own: one such class at a time.
@org.junit.jupiter.api.parallel.ResourceLock(io.strata.testing.SuiteBuilds.HOST_CLEANUP)
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
        cleanupLeavesNothing(DIR.resolve("work"));
    }

    private static void cleanupLeavesNothing(Path workDir) throws Exception {
        Host.Result cleanup = Host.run(REPO, REPO.resolve("imagetool").toString(), "--cleanup");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(cleanup.output()).contains("Work dir " + workDir + ":");
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
        assertThat(RootFileSystem.debugfs(image, "cat /etc/hostname")).contains("faults");
        assertThat(RootFileSystem.debugfs(image, "ls /usr/share/doc")).contains("perl");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(List.of(DIR.resolve("work/base.done"), DIR.resolve("work/pkgs.done"), DIR.resolve("work/slow.done")))
                .allMatch(Files::exists);
    }

    /**
     * The shared caches under crashes and a second build: a build killed (its whole process group) while
     * apt downloads through a slow proxy leaves no partial package in the cache under a package's name; a
     * bare {@code --cleanup} then releases that dead build's leftovers but leaves a build running in
     * another work dir alone, which finishes with a good image; the next build of the killed config
     * completes from the same cache and sweeps the dead build's lease.
     */
    @Test
    @Order(7)
    void aBuildKilledMidDownloadLeavesTheCacheWholeAndCleanupSparesARunningBuild() throws Exception {
        Path cache = Files.createDirectories(DIR.resolve("cache"));
        Path killed;
        String halfDownloaded;
        try (TestProxy slow = TestProxy.throttled(2L << 20)) {
            killed = write("download.cfg", sharedCachesConfig("download", cache, "APT_PROXY=" + slow.url()));
            ProcessBuilder builder = new ProcessBuilder("setsid", REPO.resolve("build").toString(), "-c", killed.toString())
                    .redirectErrorStream(true).redirectOutput(DIR.resolve("download.out").toFile()).directory(REPO.toFile());
            Process build = builder.start();
            Path partial = null;
            for (int i = 0; i < 6000 && build.isAlive() && partial == null; i++) {
                partial = halfDownload(cache);
                Thread.sleep(20);
            }
            assertThat(partial).as("apt downloads into its lease's partial/: " + Files.readString(DIR.resolve("download.out")))
                    .isNotNull();
            Host.output(DIR, "kill", "-KILL", "--", "-" + build.pid());
            assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
            halfDownloaded = partial.getFileName().toString();
        }
        assertThat(cache.resolve(halfDownloaded)).as("a half download never gets a package's name in the cache").doesNotExist();
        assertEveryCachedPackageIsWhole(cache);

        // A build in a work dir of its own, inside its last stage's slow step while the cleanup runs.
        Path running = write("running.cfg", sharedCachesConfig("running", cache, "SLOW_STEP=40"));
        Process other = new ProcessBuilder(REPO.resolve("build").toString(), "-c", running.toString()).redirectErrorStream(true)
                .redirectOutput(DIR.resolve("running.out").toFile()).directory(REPO.toFile()).start();
        Path otherLog = DIR.resolve("work-running/build.log");
        for (int i = 0; i < 12000 && other.isAlive() && !(Files.exists(otherLog)
                && Files.readString(otherLog).contains("slow step started")); i++) {
            Thread.sleep(50);
        }
        assertThat(other.isAlive()).as(Files.readString(DIR.resolve("running.out"))).isTrue();
        Host.Result list = Host.run(REPO, REPO.resolve("imagetool").toString(), "--list");
        assertThat(list.output()).contains("Work dir " + DIR.resolve("work-running") + ":", "running: PID " + other.pid());
        Host.Result cleanup = Host.run(REPO, REPO.resolve("imagetool").toString(), "--cleanup");
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(cleanup.output()).contains("Work dir " + DIR.resolve("work-running") + ":",
                "left alone: a build is running in it (PID " + other.pid(), "Work dir " + DIR.resolve("work-download") + ":");
        assertThat(HostLeftovers.below(DIR.resolve("work-download"))).as(cleanup.output()).isEmpty();
        assertThat(other.waitFor(20, TimeUnit.MINUTES)).isTrue();
        assertThat(other.exitValue()).as(Files.readString(DIR.resolve("running.out"))).isZero();
        assertThat(debugfs(DIR.resolve("deploy-running/image_2026-11-22-running-faults.img"), "cat /etc/hostname"))
                .contains("faults");

        Path unthrottled = write("download.cfg", sharedCachesConfig("download", cache, ""));
        Host.Result again = Host.run(REPO, REPO.resolve("build").toString(), "-c", unthrottled.toString());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(cache.resolve(halfDownloaded)).as("downloaded whole this time").isNotEmptyFile();
        assertEveryCachedPackageIsWhole(cache);
        try (var leases = Files.list(cache.resolve("leases"))) {
            assertThat(leases.toList()).as("the killed build's lease was swept, the others closed").isEmpty();
        }
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    /**
     * A build killed while it copies a sealed stage into the stage store leaves its scratch copy in the
     * store's tmp/; the next build sweeps it (its lock is free), takes nothing half-made, and keeps the
     * stage itself; the store then serves a further work dir.
     */
    @Test
    @Order(8)
    void aBuildKilledDuringAStoreKeepLeavesATmpEntryTheNextBuildSweeps() throws Exception {
        Path cache = Files.createDirectories(DIR.resolve("cache"));
        Path store = DIR.resolve("store-kill");
        Path tmp = Files.createDirectories(store.resolve("tmp"));
        Path config = write("keep.cfg", sharedCachesConfig("keep", cache, "STAGE_STORE_DIR=" + store));
        Process build = new ProcessBuilder(REPO.resolve("build").toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(DIR.resolve("keep.out").toFile()).directory(REPO.toFile()).start();
        try (java.nio.file.WatchService watch = tmp.getFileSystem().newWatchService()) {
            tmp.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            boolean keeping = false;
            while (!keeping && build.isAlive()) {
                java.nio.file.WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
                if (key != null) {
                    keeping = key.pollEvents().stream().anyMatch(e -> e.context().toString().startsWith("keep-")
                            && !e.context().toString().endsWith(".lock"));
                    key.reset();
                }
            }
            build.destroyForcibly(); // SIGKILL to the JVM: the copy stops where it is
            assertThat(keeping).as("the build began keeping a stage: " + Files.readString(DIR.resolve("keep.out"))).isTrue();
        }
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).as("the killed keep's scratch copy").isNotEmpty();
        }
        cleanupLeavesNothing(DIR.resolve("work-keep"));

        Host.Result next = Host.run(REPO, REPO.resolve("build").toString(), "-c", config.toString());
        assertThat(next.exitCode()).as(next.output()).isZero();
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).as("swept by the next build, whose own scratch copies are gone too").isEmpty();
        }
        Path further = write("keep-further.cfg", Files.readString(config).replace("WORK_DIR=" + DIR + "/work-keep",
                "WORK_DIR=" + DIR + "/work-keep-further").replace("IMG_NAME=keep", "IMG_NAME=further"));
        Host.Result served = Host.run(REPO, REPO.resolve("build").toString(), "-c", further.toString());
        assertThat(served.exitCode()).as(served.output()).isZero();
        assertThat(served.output()).contains("[base] reused from the stage store", "[pkgs] reused from the stage store",
                "[slow] reused from the stage store").doesNotContain("rebuilt because");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    /** A config of the three fault stages in work dir {@code name}, on the given package cache, exporting an image. */
    private static String sharedCachesConfig(String name, Path cache, String extra) {
        return """
                IMG_NAME=%1$s
                IMG_DATE=2026-11-22
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                WORK_DIR=%2$s/work-%1$s
                PACKAGE_CACHE_DIR=%3$s
                STAGE_STORE_DIR=
                DEPLOY_DIR=%2$s/deploy-%1$s
                DEPLOY_COMPRESSION=none
                SLOW_STEP=0
                SLOW_TRAP=0
                STAGE_LIST="%2$s/stages/base %2$s/stages/pkgs %2$s/stages/slow"
                %4$s
                """.formatted(name, DIR, cache, extra);
    }

    /** A package apt is downloading right now into a lease of {@code cache}, if any. */
    private static Path halfDownload(Path cache) throws IOException {
        Path leases = cache.resolve("leases");
        if (!Files.isDirectory(leases)) {
            return null;
        }
        try (var files = Files.walk(leases, 4)) {
            return files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("partial")
                    && p.getFileName().toString().endsWith(".deb")).filter(p -> p.toFile().length() > 64 * 1024)
                    .findFirst().orElse(null);
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            return null; // a lease came or went while it was listed
        }
    }

    /** dpkg-deb reads every cached package's control and data members to their end. */
    private static void assertEveryCachedPackageIsWhole(Path cache) throws Exception {
        try (var files = Files.list(cache)) {
            for (Path deb : files.filter(p -> p.getFileName().toString().endsWith(".deb")).toList()) {
                Host.Result check = Host.run(DIR, "dpkg-deb", "--contents", deb.toString());
                assertThat(check.exitCode()).as(deb + " is whole: " + check.output()).isZero();
            }
        }
    }

    private static String debugfs(Path image, String request) throws Exception {
        return RootFileSystem.debugfs(image, request);
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
