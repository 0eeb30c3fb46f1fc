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

/**
 * {@code ./build-docker.sh} with Podman, from a copy of the repository: a PC amd64 lite build whose
 * deployed image (DEPLOY_COMPRESSION=zstd) boots; a second run reuses every stage; a changed stage2
 * rebuilds only stage2; a kept container refuses a run without CONTINUE=1; a container killed
 * mid-stage leaves a loop device on the host, which one {@code --cleanup} releases, with the
 * container; bad input exits 2 and leaves no container. The base image debian:bookworm and Podman's
 * host settings come from .ci/podman-host (HOST-FACTS.md: no registry is reachable here).
 */
@Tag("integration")
// Bare `imagetool --cleanup` runs, or leftovers left on purpose for a cleanup of its own: one such class at a time.
@org.junit.jupiter.api.parallel.ResourceLock(io.strata.testing.SuiteBuilds.HOST_CLEANUP)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerBuildIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-container");
    private static final Path TREE = DIR.resolve("strata");
    private static final Path DEPLOY = TREE.resolve("deploy");
    private static final String NAME = "strata_it_work";
    private static final String CACHE_VOLUME = "strata_it_packages";
    private static final String STORE_VOLUME = "strata_it_stages";
    private static final String IMAGE = "strata-it";
    private static final String BASE = "image_2026-12-02-it-docker-lite";
    private static final String PASSWORD = "Docker-Secret-4242";
    private static final Map<String, String> ENV = Map.of("STRATA_CONTAINER_ENGINE", "podman", "CONTAINER_NAME", NAME,
            "STRATA_IMAGE", IMAGE, "STRATA_CACHE_VOLUME", CACHE_VOLUME, "STRATA_STORE_VOLUME", STORE_VOLUME);

    private static Path config;
    private static Host.Result first;

    @BeforeAll
    static void buildInTheContainer() throws Exception {
        HostLeftovers.assumeRootWith("podman", "rsync", "qemu-system-x86_64");
        org.junit.jupiter.api.Assumptions.assumeTrue(podman("image", "exists", "debian:bookworm").exitCode() == 0,
                "no base image debian:bookworm: .ci/podman-host sets up Podman and imports it (no registry is reachable here)");
        removeContainerAndVolumes();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(TREE);
        Host.output(REPO, "rsync", "-a", "--exclude", "/target", "--exclude", "/work", "--exclude", "/deploy",
                "--exclude", "/.git", "--exclude", "/config", REPO + "/", TREE + "/");
        config = Files.writeString(DIR.resolve("docker.cfg"), """
                IMG_NAME=it-docker
                IMG_DATE=2026-12-02
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                TARGET_HOSTNAME=it-docker
                FIRST_USER_NAME=tester
                FIRST_USER_PASS=%s
                DEPLOY_COMPRESSION=zstd
                STAGE_LIST="stage0 stage1 stage2"
                """.formatted(PASSWORD));
        first = buildDocker(Map.of());
    }

    @AfterAll
    static void removeWhatTheTestMade() throws Exception {
        removeContainerAndVolumes();
        podman("rmi", "-f", IMAGE);
    }

    @Test
    @Order(1)
    void theBuildDeploysToTheTreesDeployDirAndRemovesTheContainer() throws Exception {
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("[stage0] rebuilt", "[stage2]   image export ok", "Build finished");
        assertThat(DEPLOY.resolve(BASE + ".img.zst")).isRegularFile();
        assertThat(DEPLOY.resolve(BASE + ".img.zst.sha256")).isRegularFile();
        assertThat(Files.readString(DEPLOY.resolve(BASE + ".info"))).doesNotContain(PASSWORD);
        assertThat(first.output()).doesNotContain(PASSWORD);
        assertThat(podman("container", "exists", NAME).exitCode()).as("removed after a successful build").isNotZero();
        assertThat(podman("volume", "exists", NAME).exitCode()).as("the work stays in its volume").isZero();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    @Order(2)
    void theDeployedImageBoots() throws Exception {
        Host.Result boot = Host.run(REPO, REPO.resolve("imagetool").toString(), "--boot",
                DEPLOY.resolve(BASE + ".img.zst").toString(), "-c", config.toString());
        assertThat(boot.exitCode()).as(boot.output()).isZero();
        assertThat(boot.output()).contains("PASS  login", "PASS  hostname", "PASS  system running", "Boot check passed")
                .doesNotContain("FAIL");
    }

    @Test
    @Order(3)
    void aSecondRunReusesEveryStage() throws Exception {
        Host.Result again = buildDocker(Map.of());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("[stage0] reused (nothing changed)", "[stage1] reused (nothing changed)",
                "[stage2] reused (nothing changed)", "image export reused").doesNotContain("rebuilt");
    }

    @Test
    @Order(4)
    void aChangedStageIsTheOnlyOneRebuilt() throws Exception {
        Path substage = Files.createDirectories(TREE.resolve("stages/stage2/99-it-mark"));
        Files.writeString(substage.resolve("00-run-chroot.sh"), "#!/bin/bash\necho container-build > /etc/strata-it-mark\n");
        substage.resolve("00-run-chroot.sh").toFile().setExecutable(true);
        Host.Result changed = buildDocker(Map.of());
        assertThat(changed.exitCode()).as(changed.output()).isZero();
        assertThat(changed.output()).contains("[stage0] reused (nothing changed)", "[stage1] reused (nothing changed)",
                "[stage2] rebuilt", "99-it-mark/00-run-chroot.sh ok", "[stage2]   image export ok");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    @Order(5)
    void aKeptContainerRefusesARunWithoutContinue() throws Exception {
        Host.Result kept = buildDocker(Map.of("PRESERVE_CONTAINER", "1"));
        assertThat(kept.exitCode()).as(kept.output()).isZero();
        assertThat(podman("container", "exists", NAME).exitCode()).as("PRESERVE_CONTAINER=1 keeps it").isZero();

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
        ProcessBuilder builder = new ProcessBuilder(TREE.resolve("build-docker.sh").toString(), "-c", config.toString())
                .directory(TREE.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(ENV);
        builder.environment().put("CLEAN", "1");
        Process build = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!Files.readString(log).contains("[stage1]   02-kernel-bootloader/00-run-chroot.sh ...")) {
                assertThat(build.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("stage1 did not start: " + Files.readString(log)).isLessThan(deadline);
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
        podman("volume", "rm", "-f", CACHE_VOLUME);
        podman("volume", "rm", "-f", STORE_VOLUME);
    }
}
