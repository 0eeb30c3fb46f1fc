package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;

/**
 * {@code ./build} as a user runs it, after the jar is packaged: the dry run, bad input, and a real
 * two-stage build (minbase bootstrap, then a package and a chroot script), then a failing chroot step
 * on top of it that must leave nothing attached.
 */
@Tag("integration")
// Bare `imagetool --cleanup` runs, or leftovers left on purpose for a cleanup of its own: one such class at a time.
@org.junit.jupiter.api.parallel.ResourceLock(io.strata.testing.SuiteBuilds.HOST_CLEANUP)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildCliIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path WORK = REPO.resolve("target/it-work");

    record Run(int exitCode, String output) {
    }

    static Run build(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String[] argv = new String[args.length + 1];
        argv[0] = REPO.resolve("build").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        Host.Result result = Host.run(java.time.Duration.ofMinutes(20), REPO, env, argv);
        return new Run(result.exitCode(), result.output());
    }

    private static Path write(String name, String content) throws IOException {
        Path file = WORK.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @BeforeAll
    static void freshWorkDir() throws IOException, InterruptedException {
        assertThat(HostLeftovers.below(WORK)).as("attached from an earlier run").isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(WORK.toFile());
    }

    @Test
    @Order(1)
    void theDryRunPrintsTheStockStagesWithoutRoot() throws Exception {
        Run run = build(Map.of(), "--dry-run", "-c", "config.example");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("stage0", "prerun.sh", "stage1", "stage2", "00-first-user", "00-packages");
    }

    @Test
    @Order(2)
    void aConfigWithFiveMistakesReportsAllFiveAndExitsTwo() throws Exception {
        Path config = write("five-mistakes.cfg", """
                TARGET_ARCH=sparc
                RELEASE=buster
                WPA_PASSWORD=short
                FIRST_USER_NAME="Bad User"
                BOOT_FSTYPE=ntfs
                """);
        Run run = build(Map.of(), "--dry-run", "-c", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("IMG_NAME is not set", "TARGET_ARCH='sparc'", "RELEASE='buster'",
                "WPA_PASSWORD has 5 characters", "FIRST_USER_NAME='Bad User'", "BOOT_FSTYPE='ntfs'");
    }

    @Test
    @Order(3)
    void aTwoStageBuildBootstrapsThenInstallsAPackageAndRunsAChrootScriptWhileASecondIsRefused() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare");
        Path stages = WORK.resolve("stages");
        write("stages/base/prerun.sh", "#!/bin/bash -e\nbootstrap \"${RELEASE}\" \"${ROOTFS_DIR}\"\n");
        stages.resolve("base/prerun.sh").toFile().setExecutable(true);
        Files.createDirectories(stages.resolve("base/00-empty"));
        write("stages/extra/00-tools/00-packages", "less # a pager\n");
        write("stages/extra/00-tools/01-run-chroot.sh",
                "less --version | head -1 > /etc/strata-less\necho \"$FIRST_USER_PASS\" | wc -c > /etc/pass-length\n");
        // Its second substage needs what the first wrote: run from a checkpoint, it finds it there.
        write("stages/extra/01-note/00-run-chroot.sh", "test -s /etc/strata-less\necho one > /etc/strata-note\n");
        Path config = write("two.cfg", """
                IMG_NAME=it-two
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                FIRST_USER_PASS=VerySecret123
                WORK_DIR=%s/work
                STAGE_STORE_DIR=
                STAGE_LIST="%s/base %s/extra"
                """.formatted(WORK, stages, stages));
        Process first = new ProcessBuilder(REPO.resolve("build").toString(), "-c", config.toString())
                .redirectErrorStream(true).directory(REPO.toFile()).start();
        Path lock = WORK.resolve("work/build.lock");
        for (int i = 0; i < 600 && !(Files.exists(lock) && Files.readString(lock).startsWith("PID")); i++) {
            Thread.sleep(100);
        }
        Run second = build(Map.of(), "-c", config.toString());
        byte[] firstOutput = first.getInputStream().readAllBytes();
        assertThat(first.waitFor(20, TimeUnit.MINUTES)).isTrue();
        Run run = new Run(first.exitValue(), new String(firstOutput));
        assertThat(second.exitCode()).as(second.output()).isEqualTo(2);
        assertThat(second.output()).contains("another build is using " + WORK.resolve("work"),
                "PID " + first.pid());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("[base] done", "[extra]   00-tools/00-packages ok", "Stage images:",
                WORK.resolve("work/image-extra.qcow2").toString());
        assertThat(WORK.resolve("work/extra.done")).exists();
        assertThat(Files.readString(WORK.resolve("work/build.log"))).contains("Setting up less")
                .doesNotContain("VerySecret123");
        assertThat(HostLeftovers.below(WORK)).isEmpty();
    }

    @Test
    @Order(4)
    void anUnchangedStageIsReusedAndAChangedOneRebuiltSayingWhatChanged() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare");
        String config = WORK.resolve("two.cfg").toString();
        Run dry = build(Map.of(), "--dry-run", "-c", config);
        assertThat(dry.output()).contains("reused (nothing changed)").doesNotContain("rebuilt because");
        Run same = build(Map.of(), "-c", config);
        assertThat(same.exitCode()).as(same.output()).isZero();
        assertThat(same.output()).contains("[base] reused (nothing changed)", "[extra] reused (nothing changed)")
                .doesNotContain("00-tools/00-packages ...");

        write("stages/extra/00-tools/01-run-chroot.sh", "less --version | head -1 > /etc/strata-less\necho changed\n");
        Run dryChanged = build(Map.of(), "--dry-run", "-c", config);
        assertThat(dryChanged.output()).contains("rebuilt because 00-tools/01-run-chroot.sh changed");
        Run changed = build(Map.of(), "-c", config);
        assertThat(changed.exitCode()).as(changed.output()).isZero();
        assertThat(changed.output()).contains("[base] reused (nothing changed)",
                "[extra] rebuilt because 00-tools/01-run-chroot.sh changed", "[extra] done");
        assertThat(Files.readString(WORK.resolve("work/extra.done"))).contains("input\tvar:FIRST_USER_PASS\tpbkdf2:")
                .doesNotContain("VerySecret123");

        // An edit of the stage's last substage: the rebuild starts at it, on the checkpoint of the one before.
        write("stages/extra/01-note/00-run-chroot.sh", "test -s /etc/strata-less\necho two > /etc/strata-note\n");
        String resumes = "rebuilt because 01-note/00-run-chroot.sh changed; it resumes at 01-note (the checkpoint after 00-tools holds)";
        assertThat(build(Map.of(), "--dry-run", "-c", config).output()).contains(resumes);
        Run last = build(Map.of(), "-c", config);
        assertThat(last.exitCode()).as(last.output()).isZero();
        assertThat(last.output()).contains("[extra] " + resumes, "resumed at 01-note: the checkpoints of 00-tools hold",
                "[extra]   01-note/00-run-chroot.sh ok").doesNotContain("00-tools/00-packages ...", "00-tools/01-run-chroot.sh ...");
        String chain = Host.output(WORK, "qemu-img", "info", "-U", "--backing-chain", WORK.resolve("work/image-extra.qcow2").toString());
        assertThat(chain).as("the stage is still one file on its base").contains("backing file: " + WORK.resolve("work/image-base.qcow2"))
                .doesNotContain("checkpoints");
        // The package came through the shared package cache, which keeps it for the next build.
        try (var cached = Files.list(Path.of("/var/cache/strata/packages"))) {
            assertThat(cached.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("less_"));
        }
        assertThat(HostLeftovers.below(WORK)).isEmpty();
    }

    @Test
    @Order(5)
    void aFailingChrootStepStopsTheBuildAndLeavesNothingAttached() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare");
        Path stages = WORK.resolve("stages");
        Files.createDirectories(stages.resolve("broken/00-oops"));
        write("stages/broken/00-oops/00-run-chroot.sh", "echo about to fail\nmount -t tmpfs tmpfs /mnt\nexit 7\n");
        Path config = write("broken.cfg", """
                IMG_NAME=it-two
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                WORK_DIR=%s/work
                STAGE_STORE_DIR=
                CONTINUE=1
                STAGE_LIST="%s/base %s/extra %s/broken"
                """.formatted(WORK, stages, stages, stages));
        Run run = build(Map.of(), "-c", config.toString());
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("[base] reused", "[extra] reused",
                "stage broken, 00-oops/00-run-chroot.sh failed with exit code 7", "about to fail",
                "The full log is " + WORK.resolve("work/build.log"));
        assertThat(WORK.resolve("work/broken.done")).doesNotExist();
        assertThat(HostLeftovers.below(WORK)).isEmpty();
        assertThat(Files.readString(WORK.resolve("work/ledger.yaml")).trim()).isEqualTo("[]");
    }

    @Test
    @Order(7)
    void afterSigkillInAChrootStepImagetoolCleanupReleasesEverythingAndContinueCompletes() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare");
        Path stages = WORK.resolve("stages");
        write("stages/slow/00-wait/00-run-chroot.sh", "echo slow step started\nsleep \"$SLOW_STEP\"\necho done > /etc/slow\n");
        Path config = write("slow.cfg", """
                IMG_NAME=it-two
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                WORK_DIR=%s/work
                STAGE_STORE_DIR=
                CONTINUE=1
                SLOW_STEP=0
                STAGE_LIST="%s/base %s/extra %s/slow"
                """.formatted(WORK, stages, stages, stages));
        ProcessBuilder builder = new ProcessBuilder(REPO.resolve("build").toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(WORK.resolve("killed.out").toFile()).directory(REPO.toFile());
        builder.environment().put("SLOW_STEP", "300");
        Process build = builder.start();
        Path log = WORK.resolve("work/build.log");
        for (int i = 0; i < 1200 && !(Files.exists(log) && Files.readString(log).contains("slow step started")); i++) {
            Thread.sleep(100);
        }
        build.destroyForcibly();
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(HostLeftovers.below(WORK)).as("a SIGKILLed build leaves its stage attached").isNotEmpty();

        Run list = imagetool("--list", "-c", config.toString());
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("qemu-nbd", "sleep 300", WORK.resolve("work/slow/rootfs").toString());
        Run cleanup = imagetool("--cleanup", "-c", config.toString());
        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(cleanup.output()).contains("released mount " + WORK.resolve("work/slow/rootfs"), "released process");
        assertThat(HostLeftovers.below(WORK)).isEmpty();
        assertThat(Files.readString(WORK.resolve("work/ledger.yaml")).trim()).isEqualTo("[]");

        Run again = build(Map.of(), "-c", config.toString());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("[base] reused", "[extra] reused", "[slow] done");
        assertThat(HostLeftovers.below(WORK)).isEmpty();
    }

    /**
     * A stage written for upstream pi-gen, as a branch on base beside extra (its PREV_STAGE file):
     * copy_previous, SCRIPT_DIR's common and remove-comments.sed, LOG_FILE, ARCH, update_issue,
     * on_chroot, and a file a host script leaves in ${ROOTFS_DIR}/tmp for the chroot steps after it.
     * The stage built on it checks the result from inside, and that /tmp was emptied before sealing.
     */
    @Test
    @Order(6)
    void aPiGenStageRunsUnchangedAsASecondBranchOnBase() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare");
        Path stages = WORK.resolve("stages");
        write("stages/pigen/PREV_STAGE", "base\n");
        write("stages/pigen/prerun.sh", "#!/bin/bash -e\n\nif [ ! -d \"${ROOTFS_DIR}\" ]; then\n\tcopy_previous\nfi\n");
        write("stages/pigen/00-handoff/files/motd", "hello\n");
        write("stages/pigen/00-handoff/00-run.sh", """
                #!/bin/bash -e
                source "${SCRIPT_DIR}/common"
                log "pigen stage for ${ARCH} in ${STAGE}, previous ${PREV_STAGE}"
                printf 'from the host\\n' > "${ROOTFS_DIR}/tmp/handoff"
                printf 'vim # an editor\\n\\n# nothing\\nless\\n' | sed -f "${SCRIPT_DIR}/remove-comments.sed" > "${ROOTFS_DIR}/tmp/list"
                echo "written to LOG_FILE by the stage" >> "${LOG_FILE}"
                install -m 644 files/motd "${ROOTFS_DIR}/etc/pigen-motd"
                on_chroot << EOF
                cp /tmp/handoff /etc/handoff-on-chroot
                EOF
                update_issue "$(basename "${STAGE_DIR}")"
                """);
        write("stages/pigen/00-handoff/01-run-chroot.sh", "cp /tmp/handoff /etc/handoff-chroot\ntr '\\n' ' ' < /tmp/list > /etc/list\n");
        write("stages/checks/00-verify/00-run-chroot.sh", """
                check() { "$@" || { echo "pi-gen check failed: $*"; exit 1; }; }
                check test "$(cat /etc/handoff-chroot)" = "from the host"
                check test "$(cat /etc/handoff-on-chroot)" = "from the host"
                check test "$(tr -s ' ' < /etc/list)" = "vim less "
                check test "$(cat /etc/pigen-motd)" = "hello"
                check grep -q "Generated using .*, pigen" /etc/rpi-issue
                check test -z "$(ls -A /tmp)"
                echo "all pi-gen checks passed"
                """);
        for (String script : java.util.List.of("pigen/prerun.sh", "pigen/00-handoff/00-run.sh")) {
            stages.resolve(script).toFile().setExecutable(true);
        }
        Path config = write("pigen.cfg", """
                IMG_NAME=it-two
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                FIRST_USER_PASS=VerySecret123
                WORK_DIR=%1$s/work
                STAGE_STORE_DIR=
                STAGE_LIST="%2$s/base %2$s/extra %2$s/pigen %2$s/checks"
                """.formatted(WORK, stages));
        Run dry = build(Map.of(), "--dry-run", "-c", config.toString());
        assertThat(dry.output()).contains("""
                  base
                  ├─ extra
                  └─ pigen
                     └─ checks
                """);
        Run run = build(Map.of(), "-c", config.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("[base] reused", "[extra] reused", "[pigen] rebuilt", "[checks] done");
        assertThat(Files.readString(WORK.resolve("work/build.log"))).contains("all pi-gen checks passed",
                "pigen stage for amd64 in pigen, previous base", "written to LOG_FILE by the stage",
                "stage pigen from " + stages.resolve("pigen") + ", on base,");
        assertThat(HostLeftovers.below(WORK)).isEmpty();
    }

    @Test
    @Order(8)
    void imagetoolMountsADoneStageReadOnlyRefusesMisuseAndReleasesEverything() throws Exception {
        HostLeftovers.assumeRootWith("qemu-nbd", "nbdfuse");
        Path image = WORK.resolve("work/image-extra.qcow2");
        Path mnt = WORK.resolve("mnt");
        Run mount = imagetool("--mount", image.toString(), mnt.toString());
        assertThat(mount.exitCode()).as(mount.output()).isZero();
        assertThat(mount.output()).contains("(read-only)");
        assertThat(mnt.resolve("etc/strata-less")).exists();
        assertThat(imagetool("--list").output()).contains("mounted " + image + " at " + mnt);

        Run again = imagetool("--mount", image.toString(), WORK.resolve("mnt2").toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.output()).contains("is already mounted at " + mnt);
        Run busy = imagetool("--mount", WORK.resolve("work/image-base.qcow2").toString(), mnt.toString());
        assertThat(busy.exitCode()).isEqualTo(2);
        assertThat(busy.output()).contains("mount point " + mnt + " is busy");
        Run notOurs = imagetool("--mount", WORK.resolve("two.cfg").toString(), WORK.resolve("mnt3").toString());
        assertThat(notOurs.exitCode()).isEqualTo(2);
        assertThat(notOurs.output()).contains("is not a Strata image");
        Run missing = imagetool("--mount", WORK.resolve("nope.qcow2").toString(), WORK.resolve("mnt3").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.output()).contains("does not exist");

        Run umount = imagetool("--umount", mnt.toString());
        assertThat(umount.exitCode()).as(umount.output()).isZero();
        assertThat(imagetool("--umount", mnt.toString()).output()).contains("nothing is mounted at " + mnt);

        Run connect = imagetool("--connect", WORK.resolve("work/image-base.qcow2").toString());
        assertThat(connect.exitCode()).as(connect.output()).isZero();
        String device = connect.output().lines().filter(l -> l.startsWith("/dev/")).findFirst().orElseThrow();
        assertThat(imagetool("--disconnect", device).exitCode()).isZero();
        assertThat(HostLeftovers.below(WORK)).isEmpty();
        assertThat(HostLeftovers.below(Path.of("/run/strata/imagetool"))).isEmpty();
        try (var left = Files.list(Path.of("/run/strata/imagetool"))) {
            assertThat(left.map(Path::toString).filter(p -> p.contains("it-work") || p.contains("connect-"))
                    .toList()).as("imagetool's own files for released attachments").isEmpty();
        }
    }

    /**
     * Two builds in two work dirs (two image names) on one new stage store, started together, both need
     * the same missing stage: the first holds its key's lock and builds it; the second waits, says so,
     * and then takes it from the store.
     */
    @Test
    @Order(9)
    void twoBuildsThatNeedTheSameMissingStageBuildItOnce() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare");
        Path stage = WORK.resolve("stages/shared");
        write("stages/shared/prerun.sh", "#!/bin/bash -e\nbootstrap \"${RELEASE}\" \"${ROOTFS_DIR}\"\n");
        stage.resolve("prerun.sh").toFile().setExecutable(true);
        write("stages/shared/00-a/00-run-chroot.sh", "echo shared > /etc/strata-shared\n");
        List<Path> configs = new java.util.ArrayList<>();
        for (String name : List.of("a", "b")) {
            configs.add(write("store-" + name + ".cfg", """
                    IMG_NAME=it-store-%s
                    TARGET_RASPI=0
                    TARGET_ARCH=amd64
                    FIRST_USER_PASS=VerySecret123
                    WORK_DIR=%s/work-store-%s
                    STAGE_STORE_DIR=%s/store
                    STAGE_LIST="%s"
                    """.formatted(name, WORK, name, WORK, stage)));
        }
        Process first = new ProcessBuilder(REPO.resolve("build").toString(), "-c", configs.get(0).toString())
                .redirectErrorStream(true).directory(REPO.toFile()).start();
        Path locks = WORK.resolve("store/locks");
        for (int i = 0; i < 600 && !(Files.isDirectory(locks) && Files.list(locks).findAny().isPresent()); i++) {
            Thread.sleep(100);
        }
        Run second = build(Map.of(), "-c", configs.get(1).toString());
        byte[] firstOutput = first.getInputStream().readAllBytes();
        assertThat(first.waitFor(20, TimeUnit.MINUTES)).isTrue();
        Run one = new Run(first.exitValue(), new String(firstOutput));
        assertThat(one.exitCode()).as(one.output()).isZero();
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(one.output()).contains("[shared] rebuilt because it has no finished image");
        assertThat(second.output()).contains("[shared]   note: waiting for another build that is making this stage",
                "[shared] reused from the stage store (built for it-store-a on ").doesNotContain("rebuilt because");
        assertThat(Files.readString(WORK.resolve("work-store-b/build.log"))).doesNotContain("debootstrap", "mmdebstrap ");
        assertThat(HostLeftovers.below(WORK)).isEmpty();
    }

    static Run imagetool(String... args) throws IOException, InterruptedException {
        String[] argv = new String[args.length + 1];
        argv[0] = REPO.resolve("imagetool").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        Host.Result result = Host.run(java.time.Duration.ofMinutes(5), REPO, Map.of(), argv);
        return new Run(result.exitCode(), result.output());
    }
}
