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

import io.strata.reuse.Digests;
import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;
import io.strata.testing.RootFileSystem;
import io.strata.testing.SuiteBuilds;

/**
 * Many builds on one host, as on a team's build server: PC amd64 lite builds side by side, each in its
 * own work dir, all sharing the machine's package cache and the suite's stage store, with the suite's
 * Raspberry Pi arm64 build running beside them. Two builds started at the same moment, and a third 45 s
 * after the first (when the first is inside its bootstrap's apt: the timing that once failed every
 * second build on apt's lock); the third is the suite's bookworm image, Debian 12, in German. Every one
 * finishes with an image; the first of the pair (the suite's cloud-init image) and the bookworm one boot
 * at the same time, and a build in a further work dir then takes every stage from the store.
 */
@Tag("integration")
@Tag("image")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrentBuildsIT {

    private static final Path REPO = SuiteBuilds.REPO;
    private static final Path DIR = REPO.resolve("target/it-concurrent");
    private static final String PASSWORD = "Side-By-Side-31";
    private static final Duration LIMIT = Duration.ofMinutes(40);

    private static Path togetherA;
    private static Path togetherB;
    private static Path apartC;

    @BeforeAll
    static void freshDir() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare", "qemu-system-x86_64");
        assertThat(HostLeftovers.below(DIR)).as("attached from an earlier run").isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(DIR);
        togetherA = config("together-a", "ENABLE_CLOUD_INIT=1\nENABLE_SSH=1");
        togetherB = config("together-b", "");
        apartC = config("apart-c", "bookworm", "LOCALE_DEFAULT=de_DE.UTF-8");
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

    private static Path image(Path config) {
        String name = config.getFileName().toString().replace(".cfg", "");
        return DIR.resolve("deploy/image_2026-11-22-" + name + "-lite.img");
    }

    private static CompletableFuture<Host.Result> boot(Path config) {
        return Host.start(Duration.ofMinutes(20), REPO, Map.of(), REPO.resolve("imagetool").toString(), "--boot",
                image(config).toString(), "-c", config.toString());
    }

    @Test
    @Order(1)
    void twoPcBuildsStartedTogetherAndOne45SecondsAfterBesideAPiBuildAllFinish() throws Exception {
        // A and B share stage0 and stage1 (one builds each, the other waits for it and takes it from the
        // store); A has cloud-init and B does not, so both build a stage2 at the same time. C is a stage0
        // of its own (another release and locale): 45 s in, A's apt works while C bootstraps, as when every
        // second build stopped on apt's lock.
        CompletableFuture<Host.Result> pi = SuiteBuilds.pi();
        CompletableFuture<Host.Result> first = start(togetherA);
        CompletableFuture<Host.Result> second = start(togetherB);
        Thread.sleep(Duration.ofSeconds(45).toMillis());
        CompletableFuture<Host.Result> apart = start(apartC);
        Host.Result builtA = succeeded(first);
        Host.Result builtB = succeeded(second);
        Host.Result builtC = succeeded(apart);
        String both = builtA.output() + builtB.output();
        assertThat(both).as("stage0 built once").containsOnlyOnce("[stage0] rebuilt because")
                .contains("[stage0] reused from the stage store", "waiting for another build that is making this stage");
        for (Host.Result built : List.of(builtA, builtB, builtC)) {
            assertThat(built.output()).contains("[stage2] rebuilt because", "[stage2]   image export ok")
                    .doesNotContain("Could not get lock");
        }
        assertThat(builtA.output()).contains("[stage2]   06-cloud-init/01-run.sh ok");
        assertThat(builtC.output()).contains("[stage0] rebuilt because");
        assertOverlapped(DIR.resolve("work-together-a"), DIR.resolve("work-together-b"), Duration.ofSeconds(30));
        assertOverlapped(DIR.resolve("work-together-a"), DIR.resolve("work-apart-c"), Duration.ofSeconds(20));
        // The Pi build runs on: its stages are not the PC's (other keys), so all of its apt runs beside theirs.
        assertOverlapped(DIR.resolve("work-together-a"), SuiteBuilds.PI_DIR.resolve("work"), Duration.ofSeconds(30));

        Path bookworm = image(apartC);
        assertThat(Files.readString(DIR.resolve("deploy/image_2026-11-22-apart-c-lite.info")))
                .contains("Target: PC amd64, Debian bookworm").containsPattern("\nlinux-image-6\\.1\\.\\S+ ");
        assertThat(RootFileSystem.debugfs(bookworm, "cat /etc/apt/sources.list"))
                .as("bookworm's apt sources, one-line").contains("deb http://deb.debian.org/debian bookworm main", "bookworm-security");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    /**
     * ENABLE_CLOUD_INIT=1: stage2 gets cloud-init and the NoCloud seed on the boot partition. A user-data
     * edited on the exported image, as a user edits the card from any computer, sets the host name and
     * writes a file on the first boot. The bookworm image boots beside it (its login asks "Passwort:").
     */
    @Test
    @Order(2)
    void theCloudInitImageAppliesTheSeedEditedOnItsBootPartitionAndTheBookwormImageBootsBesideIt() throws Exception {
        Path cloudImage = image(togetherA);
        String bootPartition = cloudImage + "@@" + (4L << 20);
        assertThat(Host.output(DIR, "mtype", "-i", bootPartition, "::/meta-data")).contains("local-hostname: side");
        assertThat(Host.output(DIR, "mtype", "-i", bootPartition, "::/user-data")).startsWith("#cloud-config");
        assertThat(RootFileSystem.debugfs(cloudImage, "cat /etc/cloud/cloud.cfg.d/99-strata.cfg"))
                .contains("datasource_list: [ NoCloud, None ]");
        Path userData = Files.writeString(DIR.resolve("user-data"), """
                #cloud-config
                hostname: it-cloud
                write_files:
                - path: /var/lib/strata-it/seed.txt
                  content: |
                    written by cloud-init from the card's seed
                  permissions: '0644'
                """);
        Host.output(DIR, "mcopy", "-o", "-i", bootPartition, userData.toString(), "::/user-data");

        CompletableFuture<Host.Result> cloud = boot(togetherA);
        CompletableFuture<Host.Result> bookworm = boot(apartC);
        CompletableFuture.allOf(cloud, bookworm).join(); // both ended, whatever one of them says
        Host.Result cloudBoot = succeeded(cloud);
        assertThat(cloudBoot.output()).contains("PASS  cloud-init", "NoCloud seed", "PASS  cloud-init seed private",
                "PASS  cloud-init files", "/var/lib/strata-it/seed.txt as user-data writes", "PASS  hostname", "it-cloud",
                "PASS  system running", "PASS  locale", "PASS  ssh host keys", "Boot check passed").doesNotContain("FAIL");
        assertThat(succeeded(bookworm).output()).contains("PASS  login", "PASS  system running", "PASS  locale",
                "Boot check passed").doesNotContain("FAIL");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    @Order(3)
    void aThirdBuildInAThirdWorkDirRebuildsNoneOfTheStages() throws Exception {
        // Its export is not what it proves (every build above exported): the image is skipped.
        Path third = config("third", "SKIP_IMAGES_LIST=stage2");
        Host.Result built = succeeded(start(third));
        for (String stage : List.of("stage0", "stage1", "stage2")) {
            assertThat(built.output()).contains("[" + stage + "] reused from the stage store (built for together-");
        }
        assertThat(built.output()).doesNotContain("rebuilt because", "image export ok");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    /**
     * Reproducible images: the second of the pair's config built again from nothing (a work dir, stage
     * store and deploy dir of its own, the machine's package cache shared) gives the same bytes, and
     * imagetool says so; with one line changed (the time zone, a stage2 variable) the comparison names
     * the files that differ and shows how (and the disk ids differ, as they do between any two configs).
     */
    @Test
    @Order(4)
    void theSameConfigBuiltAgainFromNothingAndOfflineFromItsLockGivesTheSameBytesAndAOneLineChangeIsNamed()
            throws Exception {
        Path first = image(togetherB);
        String lock = first.getFileName().toString().replace(".img", ".lock");
        // Built again elsewhere from nothing, and from the first build's lock with no network: every step of
        // it runs in a network namespace with nothing but a loopback that is down, so the package cache alone
        // gives its packages (through the locked repository) or the build fails.
        String elsewhere = Files.readString(togetherB)
                .replace("WORK_DIR=" + DIR + "/work-together-b", "WORK_DIR=" + DIR + "/work-again")
                .replace("DEPLOY_DIR=" + DIR + "/deploy", "DEPLOY_DIR=" + DIR + "/deploy-again")
                .replace("STAGE_STORE_DIR=" + SuiteBuilds.store(), "STAGE_STORE_DIR=" + DIR + "/store-again")
                + "PACKAGE_LOCK=" + first.resolveSibling(lock) + "\nOFFLINE=1\n";
        assertThat(elsewhere).doesNotContain("work-together-b", SuiteBuilds.store().toString());
        Host.Result again = succeeded(start(Files.writeString(DIR.resolve("again.cfg"), elsewhere)));
        assertThat(again.output()).contains("Package lock: " + first.resolveSibling(lock) + "; offline: no step reaches the network");
        for (String stage : List.of("stage0", "stage1", "stage2")) {
            assertThat(again.output()).contains("[" + stage + "] rebuilt because");
        }
        Path second = DIR.resolve("deploy-again").resolve(first.getFileName());
        String sha256 = Digests.ofFile(first);
        assertThat(Digests.ofFile(second)).as("the image built again from nothing, offline from the lock").isEqualTo(sha256);
        assertThat(Host.output(DIR, REPO.resolve("imagetool").toString(), "--compare", first.toString(), second.toString()))
                .contains("identical (sha256 " + sha256 + ")");
        for (String beside : List.of(".lock", ".info", ".spdx.json", ".bmap")) {
            String name = first.getFileName().toString().replace(".img", beside);
            assertThat(DIR.resolve("deploy-again").resolve(name)).as(name).hasSameBinaryContentAs(first.resolveSibling(name));
        }

        String changedConfig = elsewhere.replace("WORK_DIR=" + DIR + "/work-again", "WORK_DIR=" + DIR + "/work-changed")
                .replace("DEPLOY_DIR=" + DIR + "/deploy-again", "DEPLOY_DIR=" + DIR + "/deploy-changed")
                + "TIMEZONE_DEFAULT=America/New_York\n";
        Host.Result changed = succeeded(start(Files.writeString(DIR.resolve("changed.cfg"), changedConfig)));
        assertThat(changed.output()).contains("[stage1] reused from the stage store", "[stage2] rebuilt because");
        Host.Result comparison = Host.run(DIR, REPO.resolve("imagetool").toString(), "--compare", second.toString(),
                DIR.resolve("deploy-changed").resolve(first.getFileName()).toString());
        assertThat(comparison.exitCode()).as(comparison.output()).isEqualTo(1);
        // Another config is another image: other disk ids too (fstab, grub.cfg and GRUB's EFI binary name them).
        assertThat(comparison.output()).contains("partition 2 (Linux): differs", "/etc/timezone: content",
                "/etc/localtime: link target /usr/share/zoneinfo/", "-Europe/", "+America/New_York", "/etc/fstab: content");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        for (String dir : List.of("work-again", "work-changed", "store-again", "deploy-again", "deploy-changed")) {
            org.apache.commons.io.FileUtils.deleteDirectory(DIR.resolve(dir).toFile());
        }
    }
}
