package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;
import io.strata.testing.RootFileSystem;
import io.strata.testing.PiBootPartition;
import io.strata.testing.SuiteBuilds;

/**
 * {@code ./build-docker.sh} with Podman on a Debian trixie base image, from a copy of the repository: a
 * Raspberry Pi arm64 image. Its stage0 to stage2 are the suite's Pi stages (the host's stage store and
 * package cache, bound into the container, as a user sharing them between host and container builds
 * would), and a stage of its own on top runs arm64 programs through the binfmt_misc registration the
 * container makes (trixie's qemu-user-binfmt, which no update-binfmts registers). Its image (zstd)
 * is a Pi image whose stage ran under arm64; a second run reuses every stage; a changed stage is the only one rebuilt; a kept container
 * refuses a run without CONTINUE=1; a container killed mid-stage leaves a loop device on the host,
 * which one {@code --cleanup} releases, with the container; bad input exits 2 and leaves no container.
 * The base image debian:trixie and Podman's host settings come from .ci/podman-host (HOST-FACTS.md:
 * no registry is reachable here).
 */
@Tag("integration")
@Tag("image")
// Bare `imagetool --cleanup` runs, or leftovers left on purpose for a cleanup of its own: one such class at a time.
@org.junit.jupiter.api.parallel.ResourceLock(io.strata.testing.SuiteBuilds.HOST_CLEANUP)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerBuildIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-container");
    private static final Path TREE = DIR.resolve("strata");
    private static final Path DEPLOY = TREE.resolve("deploy");
    private static final String NAME = "strata_it_work";
    private static final String IMAGE = "strata-it";
    private static final String BASE = "image_2026-11-22-it-docker-docker";
    private static final Map<String, String> ENV = Map.of("STRATA_CONTAINER_ENGINE", "podman", "CONTAINER_NAME", NAME,
            "STRATA_IMAGE", IMAGE);

    private static final String DECOY = "decoy-passw0rd-in-the-checkout";

    private static Path config;
    private static Host.Result first;

    @BeforeAll
    static void buildInTheContainer() throws Exception {
        HostLeftovers.assumeRootWith("podman", "rsync", "zstd", "mcopy");
        org.junit.jupiter.api.Assumptions.assumeTrue(podman("image", "exists", "debian:trixie").exitCode() == 0,
                "no base image debian:trixie: .ci/podman-host sets up Podman and imports it (no registry is reachable here)");
        removeContainerAndVolumes();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(TREE);
        Host.output(REPO, "rsync", "-a", "--exclude", "/target", "--exclude", "/work", "--exclude", "/deploy",
                "--exclude", "/.git", "--exclude", "/config", REPO + "/", TREE + "/");
        SuiteBuilds.writePiStage2(TREE.resolve("stages/stage2"));
        // The suite's Pi stage2 (its key is the Pi build's), and a stage of its own: an arm64 program run in the chroot, through qemu-user in the container.
        Path own = Files.createDirectories(TREE.resolve("stages/docker/00-mark"));
        Files.writeString(own.resolveSibling("PREV_STAGE"), "stage2\n");
        Files.writeString(own.resolveSibling("EXPORT_IMAGE"), "IMG_SUFFIX=-docker\n");
        Files.writeString(own.resolve("00-run-chroot.sh"), "uname -m > /etc/strata-it-docker\n"
                + "if [ \"${SLOW_STEP:-0}\" != 0 ]; then echo slow step started; sleep \"$SLOW_STEP\"; fi\n");
        // A decoy config in the checkout, as a user's own would lie beside config.example: never in the image.
        Files.writeString(TREE.resolve("secret.cfg"), "FIRST_USER_PASS=" + DECOY + "\n");
        // The suite's Pi config (so stage0 to stage2 have the Pi build's keys), with the host's store and cache.
        String pi = Files.readString(SuiteBuilds.piConfig());
        config = Files.writeString(DIR.resolve("docker.cfg"), pi.lines()
                .filter(l -> !l.startsWith("WORK_DIR=") && !l.startsWith("DEPLOY_DIR=") && !l.startsWith("IMG_NAME=")
                        && !l.startsWith("STAGE_LIST=") && !l.startsWith("BOOT_TEST=") && !l.startsWith("DEPLOY_COMPRESSION="))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n")) + """
                IMG_NAME=it-docker
                DEPLOY_COMPRESSION=zstd
                PACKAGE_CACHE_DIR=/var/cache/strata/packages
                SLOW_STEP=0
                STAGE_LIST="stage0 stage1 stage2 docker"
                SKIP_IMAGES_LIST=stage2
                """);
        // The suite's Pi build, whose stages this one takes: once it has kept them (it exports and boots on beside this).
        SuiteBuilds.awaitPiStagesKept();
        first = buildDocker(Map.of());
    }

    @AfterAll
    static void removeWhatTheTestMade() throws Exception {
        // The image stays, as a user's would: the next run's build reuses its layers (packages, JDK, jar).
        removeContainerAndVolumes();
    }

    @Test
    @Order(1)
    void theBuildTakesTheStoredStagesRunsArm64ProgramsAndDeploysToTheTreesDeployDir() throws Exception {
        assertThat(first.exitCode()).as(first.output()).isZero();
        for (String stage : List.of("stage0", "stage1", "stage2")) {
            assertThat(first.output()).contains("[" + stage + "] reused from the stage store (built for it-pi on ");
        }
        assertThat(first.output()).contains("[docker]   00-mark/00-run-chroot.sh ok", "[docker]   image export ok",
                "Build finished");
        assertThat(DEPLOY.resolve(BASE + ".img.zst")).isRegularFile();
        assertThat(DEPLOY.resolve(BASE + ".img.zst.sha256")).isRegularFile();
        assertThat(Files.readString(DEPLOY.resolve(BASE + ".info"))).doesNotContain(SuiteBuilds.PI_PASSWORD)
                .contains("Target: Raspberry Pi arm64, Debian " + SuiteBuilds.RELEASE);
        assertThat(first.output()).doesNotContain(SuiteBuilds.PI_PASSWORD);
        assertThat(podman("container", "exists", NAME).exitCode()).as("removed after a successful build").isNotZero();
        assertThat(podman("volume", "exists", NAME).exitCode()).as("the work stays in its volume").isZero();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    @Order(1)
    void theBuildImageHoldsOnlyWhatItNeedsAndNoConfigOfTheCheckout() throws Exception {
        Host.Result listing = podman("run", "--rm", IMAGE, "sh", "-c",
                "ls -A /strata; grep -rlF " + DECOY + " /strata /root /etc /tmp || true");
        assertThat(listing.exitCode()).as(listing.output()).isZero();
        assertThat(listing.output().lines()).as("the image's /strata and the files naming the decoy password")
                .contains("stages", "src", "build", "imagetool", "pom.xml", "target")
                .doesNotContain("secret.cfg", "configs", "config.example", ".git", "deploy", "work")
                .noneMatch(line -> line.startsWith("/"));
    }

    /**
     * The container's export is a Pi image like the host's (whose build boots it: PiLiteImageIT), and its
     * own stage ran under arm64. Booting it again would prove the suite's Pi stages a second time.
     */
    @Test
    @Order(2)
    void theDeployedImageIsAPiImageWhoseStageRanUnderArm64() throws Exception {
        Path raw = DIR.resolve("docker.img");
        Host.output(DIR, "sh", "-c", "zstd -q -d -c \"$1\" > \"$2\"", "unzstd", DEPLOY.resolve(BASE + ".img.zst").toString(),
                raw.toString());
        PiBootPartition.assertBootable(raw, DIR);
        assertThat(RootFileSystem.debugfs(raw, "cat /etc/strata-it-docker"))
                .contains("aarch64");
        Files.delete(raw);
    }

    @Test
    @Order(3)
    void aSecondRunReusesEveryStage() throws Exception {
        Host.Result again = buildDocker(Map.of());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("[stage0] reused (nothing changed)", "[stage1] reused (nothing changed)",
                "[stage2] reused (nothing changed)", "[docker] reused (nothing changed)", "image export reused")
                .doesNotContain("rebuilt");
    }

    @Test
    @Order(4)
    void aChangedStageIsTheOnlyOneRebuilt() throws Exception {
        Path substage = Files.createDirectories(TREE.resolve("stages/docker/01-more"));
        Files.writeString(substage.resolve("00-run-chroot.sh"), "echo container-build > /etc/strata-it-mark\n");
        Host.Result changed = buildDocker(Map.of());
        assertThat(changed.exitCode()).as(changed.output()).isZero();
        assertThat(changed.output()).contains("[stage2] reused (nothing changed)", "[docker] rebuilt",
                "01-more/00-run-chroot.sh ok", "[docker]   image export ok");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    @Order(5)
    void aKeptContainerRefusesARunWithoutContinue() throws Exception {
        // The password from the environment (the config's own value, so every stage is still reused).
        java.util.Set<String> envFilesBefore = environmentFiles();
        Host.Result kept = buildDocker(Map.of("PRESERVE_CONTAINER", "1", "FIRST_USER_PASS", SuiteBuilds.PI_PASSWORD));
        assertThat(kept.exitCode()).as(kept.output()).isZero();
        assertThat(kept.output()).contains("[docker] reused");
        assertThat(podman("container", "exists", NAME).exitCode()).as("PRESERVE_CONTAINER=1 keeps it").isZero();
        assertThat(podman("container", "inspect", NAME).output()).as("the kept container's inspect output")
                .contains("/run/strata-env").doesNotContain(SuiteBuilds.PI_PASSWORD);
        assertThat(environmentFiles()).as("the environment file, after the run").isEqualTo(envFilesBefore);

        Host.Result refused = buildDocker(Map.of());
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("container " + NAME + " already exists", "CONTINUE=1");

        Host.Result resumed = buildDocker(Map.of("CONTINUE", "1"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("[stage2] reused");
        assertThat(podman("container", "exists", NAME).exitCode()).isNotZero();
    }

    @Test
    @Order(6)
    void aContainerKilledMidStageLeavesNothingAfterOneCleanup() throws Exception {
        Path log = DIR.resolve("killed.log");
        // Another key (a value only the container sees through its config): the stage is built again, and stays in its step.
        Path slow = Files.writeString(DIR.resolve("slow.cfg"), Files.readString(config).replace("SLOW_STEP=0", "SLOW_STEP=600"));
        ProcessBuilder builder = new ProcessBuilder(TREE.resolve("build-docker.sh").toString(), "-c", slow.toString())
                .directory(TREE.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(ENV);
        Process build = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            // A step's output goes to the build log (in the container's work volume), not to the console.
            while (podman("exec", NAME, "grep", "-q", "slow step started", "/strata/work/" + NAME + "/build.log").exitCode() != 0) {
                assertThat(build.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("the slow step did not start: " + Files.readString(log)).isLessThan(deadline);
                Thread.sleep(500);
            }
            assertThat(losetup()).as("the stage's loop device, made in the container").contains("/strata/work/" + NAME + "/");
            assertThat(podman("kill", NAME).exitCode()).isZero();
            assertThat(build.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            build.destroyForcibly();
        }
        assertThat(losetup()).as("the host kernel's loop device outlives the container").contains("(/disk)");

        Host.Result cleanup = Host.run(Duration.ofMinutes(10), TREE, ENV, TREE.resolve("build-docker.sh").toString(),
                "--cleanup", "-c", config.toString());
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(cleanup.output()).contains("released loop", "removed the stopped container " + NAME);
        assertThat(leftovers()).isEmpty();
        assertThat(podman("container", "exists", NAME).exitCode()).isNotZero();
    }

    @Test
    @Order(7)
    void badInputIsRefusedWithExitTwoAndLeavesNoContainer() throws Exception {
        Host.Result baseDir = buildDocker(Map.of("BASE_DIR", "/srv/elsewhere"));
        assertThat(baseDir.exitCode()).as(baseDir.output()).isEqualTo(2);
        assertThat(baseDir.output()).contains("BASE_DIR=/srv/elsewhere", "put your stages in");

        Host.Result badName = buildDocker(Map.of("FIRST_USER_NAME", "Not A Name"));
        assertThat(badName.exitCode()).as(badName.output()).isEqualTo(2);
        assertThat(badName.output()).contains("FIRST_USER_NAME");
        assertThat(podman("container", "exists", NAME).exitCode()).as("nothing to resume after bad input").isNotZero();
        assertThat(leftovers()).isEmpty();
    }

    /** build-docker.sh's environment files in the temporary directory (one a killed script left stays). */
    private static java.util.Set<String> environmentFiles() throws java.io.IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("strata-container-env."))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static Host.Result buildDocker(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(ENV);
        env.putAll(extra);
        return Host.run(Duration.ofMinutes(30), TREE, env, TREE.resolve("build-docker.sh").toString(), "-c",
                config.toString());
    }

    /** Loops of this test's container (by its work path, or gone with its namespace), its servers, its mounts, its container. */
    private static List<String> leftovers() throws Exception {
        List<String> found = new java.util.ArrayList<>();
        losetup().lines().filter(l -> l.contains("/strata/work/" + NAME + "/") || l.endsWith("(/disk)"))
                .forEach(l -> found.add("loop: " + l));
        Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains(NAME) && !l.contains("/volumes/"))
                .forEach(l -> found.add("mount: " + l));
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(cmd -> {
            if (cmd.contains("/strata/work/" + NAME + "/")) {
                found.add("process " + p.pid() + ": " + cmd);
            }
        }));
        String running = Host.output(REPO, "podman", "ps", "--format", "{{.Names}}");
        if (running.lines().anyMatch(NAME::equals)) {
            found.add("running container " + NAME);
        }
        return found;
    }

    private static String losetup() throws Exception {
        return Host.output(REPO, "losetup", "-a");
    }

    private static Host.Result podman(String... argv) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("podman"));
        command.addAll(List.of(argv));
        return Host.run(Duration.ofMinutes(5), REPO, Map.of(), command.toArray(String[]::new));
    }

    private static void removeContainerAndVolumes() throws Exception {
        podman("rm", "-f", NAME);
        podman("volume", "rm", "-f", NAME);
    }
}
