package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;
import io.strata.testing.RootFileSystem;
import io.strata.testing.SuiteBuilds;

/**
 * Many builds on one host, as on a team's build server: PC amd64 lite builds side by side, each in its
 * own work dir, all sharing the machine's package cache and the suite's stage store, with the suite's
 * Raspberry Pi arm64 build running beside the first pair. Two builds started at the same moment, two
 * started 45 s apart (when the first is inside its bootstrap's apt: the timing that once failed every
 * second build on apt's lock; a bookworm one, the suite's image of Debian 12, and a trixie one in German);
 * every one finishes with an image (the pair apart boots: the first pair's are made the same way), and a build in a further
 * work dir then takes every stage from the store.
 */
@Tag("integration")
@Tag("image")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrentBuildsIT {

    private static final Path REPO = SuiteBuilds.REPO;
    private static final Path DIR = REPO.resolve("target/it-concurrent");
    private static final String PASSWORD = "Side-By-Side-31";
    private static final Duration LIMIT = Duration.ofMinutes(40);

    @BeforeAll
    static void freshDir() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare", "qemu-system-x86_64");
        assertThat(HostLeftovers.below(DIR)).as("attached from an earlier run").isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(DIR);
    }

    /** A PC lite config in a work dir of its own; {@code extra} lines change what its stages see. */
    private static Path config(String name, String extra) throws IOException {
        return config(name, SuiteBuilds.RELEASE, extra);
    }

    private static Path config(String name, String release, String extra) throws IOException {
        return Files.writeString(DIR.resolve(name + ".cfg"), """
                IMG_NAME=%1$s
                IMG_DATE=2026-11-22
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                RELEASE=%2$s
                TARGET_HOSTNAME=side
                FIRST_USER_NAME=tester
                FIRST_USER_PASS=%3$s
                DEPLOY_COMPRESSION=none
                WORK_DIR=%4$s/work-%1$s
                DEPLOY_DIR=%4$s/deploy
                STAGE_STORE_DIR=%5$s
                STAGE_LIST="stage0 stage1 stage2"
                %6$s
                """.formatted(name, release, PASSWORD, DIR, SuiteBuilds.store(), extra));
    }

    private static CompletableFuture<Host.Result> start(Path config) {
        return Host.start(LIMIT, REPO, Map.of(), REPO.resolve("build").toString(), "-c", config.toString());
    }

    private static Host.Result succeeded(CompletableFuture<Host.Result> build) throws Exception {
        Host.Result result = build.get();
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result;
    }

    /** The first and last timestamp of a build's log: when it ran. */
    private static LocalDateTime[] ran(Path workDir) throws IOException {
        List<String> lines = Files.readAllLines(workDir.resolve("build.log"));
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        return new LocalDateTime[] {LocalDateTime.parse(lines.get(0).substring(0, 19), format),
                LocalDateTime.parse(lines.get(lines.size() - 1).substring(0, 19), format)};
    }

    private static void assertOverlapped(Path one, Path other, Duration atLeast) throws IOException {
        LocalDateTime[] a = ran(one);
        LocalDateTime[] b = ran(other);
        LocalDateTime from = a[0].isAfter(b[0]) ? a[0] : b[0];
        LocalDateTime to = a[1].isBefore(b[1]) ? a[1] : b[1];
        assertThat(Duration.between(from, to)).as(one + " and " + other + " ran side by side").isGreaterThan(atLeast);
    }

    /**
     * Boots each image at the same time, as a user checking two builds would.
     */
    private static void bootAll(Path... configs) throws Exception {
        List<CompletableFuture<Host.Result>> boots = new java.util.ArrayList<>();
        for (Path config : configs) {
            String name = config.getFileName().toString().replace(".cfg", "");
            Path image = DIR.resolve("deploy/image_2026-11-22-" + name + "-lite.img");
            boots.add(Host.start(Duration.ofMinutes(20), REPO, Map.of(), REPO.resolve("imagetool").toString(), "--boot",
                    image.toString(), "-c", config.toString()));
        }
        for (CompletableFuture<Host.Result> boot : boots) {
            Host.Result result = boot.get();
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("PASS  login", "PASS  system running", "Boot check passed");
        }
    }

    @Test
    @Order(1)
    void twoPcBuildsStartedTogetherBesideAPiBuildAllFinish() throws Exception {
        // A and B share stage0 and stage1 (one builds each, the other waits for it and takes it from the
        // store); their first users differ, so both build a stage2 at the same time.
        Path a = config("together-a", "");
        Path b = config("together-b", "FIRST_USER_NAME=other");
        CompletableFuture<Host.Result> pi = SuiteBuilds.pi();
        CompletableFuture<Host.Result> first = start(a);
        CompletableFuture<Host.Result> second = start(b);
        Host.Result builtA = succeeded(first);
        Host.Result builtB = succeeded(second);
        String both = builtA.output() + builtB.output();
        assertThat(both).as("stage0 built once").containsOnlyOnce("[stage0] rebuilt because")
                .contains("[stage0] reused from the stage store", "waiting for another build that is making this stage");
        for (Host.Result built : List.of(builtA, builtB)) {
            assertThat(built.output()).contains("[stage2] rebuilt because", "[stage2]   image export ok")
                    .doesNotContain("Could not get lock");
        }
        assertOverlapped(DIR.resolve("work-together-a"), DIR.resolve("work-together-b"), Duration.ofSeconds(30));
        // The Pi build runs on: its stages are not the PC's (other keys), so all of its apt runs beside theirs.
        assertOverlapped(DIR.resolve("work-together-a"), SuiteBuilds.PI_DIR.resolve("work"), Duration.ofSeconds(30));
        // Their images are made as the next pair's are, and those boot.
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    @Order(2)
    void aBookwormAndATrixieBuildStarted45SecondsApartBothFinishAndBoot() throws Exception {
        // Each is a stage0 of its own (another release; another locale, which stage0 generates): 45 s in, the
        // first build's apt works on stage1 while the second bootstraps, as when every second build stopped
        // on apt's lock. The first is the suite's bookworm image: Debian 12 stays supported beside trixie.
        Path c = config("apart-c", "bookworm", "");
        Path d = config("apart-d", "LOCALE_DEFAULT=de_DE.UTF-8");
        CompletableFuture<Host.Result> first = start(c);
        Thread.sleep(Duration.ofSeconds(45).toMillis());
        CompletableFuture<Host.Result> second = start(d);
        for (Host.Result built : List.of(succeeded(first), succeeded(second))) {
            assertThat(built.output()).contains("[stage2]   image export ok").doesNotContain("Could not get lock");
        }
        assertOverlapped(DIR.resolve("work-apart-c"), DIR.resolve("work-apart-d"), Duration.ofSeconds(20));
        bootAll(c, d); // d's login asks "Passwort:"
        Path bookworm = DIR.resolve("deploy/image_2026-11-22-apart-c-lite.img");
        assertThat(Files.readString(DIR.resolve("deploy/image_2026-11-22-apart-c-lite.info")))
                .contains("Target: PC amd64, Debian bookworm").containsPattern("\nlinux-image-6\\.1\\.\\S+ ");
        assertThat(RootFileSystem.debugfs(bookworm, "cat /etc/apt/sources.list"))
                .as("bookworm's apt sources, one-line").contains("deb http://deb.debian.org/debian bookworm main", "bookworm-security");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    @Order(3)
    void aThirdBuildInAThirdWorkDirRebuildsNoneOfTheStages() throws Exception {
        Path third = config("third", "");
        Host.Result built = succeeded(start(third));
        for (String stage : List.of("stage0", "stage1", "stage2")) {
            assertThat(built.output()).contains("[" + stage + "] reused from the stage store (built for together-");
        }
        assertThat(built.output()).doesNotContain("rebuilt because").contains("[stage2]   image export ok");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }
}
