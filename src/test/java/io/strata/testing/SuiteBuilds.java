package io.strata.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What several integration test classes share in one run of the suite, as builds on one build server
 * do: the machine's package cache, one stage store ({@link #store()}, emptied once per run), and the
 * builds more than one class checks, each started once by whichever class asks first. The classes run
 * side by side (failsafe's parallel classes), so these builds run beside the others.
 */
public final class SuiteBuilds {

    public static final Path REPO = Path.of("").toAbsolutePath();
    /** The release the suite's images are built on: Strata's default. */
    public static final String RELEASE = "trixie";
    private static final Path STORE = REPO.resolve("target/it-store");
    public static final Path PI_DIR = REPO.resolve("target/it-pi");
    public static final String PI_PASSWORD = "Pi-Secret-2718";
    /**
     * The JUnit resource of the classes that run a bare {@code imagetool --cleanup} (it releases every dead
     * build's leftovers on the host) or leave leftovers on purpose for a cleanup of their own.
     */
    public static final String HOST_CLEANUP = "host leftovers";

    private static boolean storeEmptied;
    private static CompletableFuture<Host.Result> pi;

    private SuiteBuilds() {
    }

    /** The suite's stage store: empty when the run starts, then filled by the builds that use it. */
    public static synchronized Path store() {
        if (!storeEmptied) {
            try {
                org.apache.commons.io.FileUtils.deleteDirectory(STORE.toFile());
                Files.createDirectories(STORE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            storeEmptied = true;
        }
        return STORE;
    }

    /**
     * What the suite's Pi build leaves out of stage2: the packages of 05-hardware-support that are not the
     * Pi's own (Python 3, Lua, Bluetooth, Wi-Fi tools, the swap file, fake-hwclock) and the step that sets
     * the swap file's size. The PC image installs and checks the same list; under qemu-user Python's
     * byte-compile alone takes three minutes of the Pi build. The Pi's firmware packages
     * (00-packages-sys-raspi) stay.
     */
    public static final List<String> PI_STAGE2_LEAVES_OUT = List.of(
            "05-hardware-support/00-packages", "05-hardware-support/01-run-chroot.sh");

    /**
     * Writes the suite's Pi stage2 into {@code dir} (a stage directory named stage2, replaced): the stock
     * stage2 without {@link #PI_STAGE2_LEAVES_OUT}. Its files, and so its key, are the same wherever it is written.
     */
    public static Path writePiStage2(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Host.output(REPO, "rsync", "-a", "--delete", REPO.resolve("stages/stage2") + "/", dir + "/");
        for (String file : PI_STAGE2_LEAVES_OUT) {
            Files.delete(dir.resolve(file));
        }
        return dir;
    }

    /**
     * The Raspberry Pi arm64 lite config of the suite (BOOT_TEST=1: the build boots its image on QEMU's virt
     * machine), with the stock stage0 and stage1 and the stage2 of {@link #writePiStage2}.
     */
    public static Path piConfig() {
        return PI_DIR.resolve("pi.cfg");
    }

    /**
     * The Raspberry Pi arm64 lite image, built by {@code ./build} through qemu-user into the suite's
     * store; started by the first caller, the same future for every later one.
     */
    public static synchronized CompletableFuture<Host.Result> pi() {
        if (pi == null) {
            try {
                assertNothingAttachedBelow(PI_DIR);
                org.apache.commons.io.FileUtils.deleteDirectory(PI_DIR.toFile());
                Files.createDirectories(PI_DIR);
                Files.writeString(piConfig(), """
                        IMG_NAME=it-pi
                        IMG_DATE=2026-11-22
                        TARGET_RASPI=1
                        TARGET_ARCH=arm64
                        RELEASE=%s
                        TARGET_HOSTNAME=it-pi
                        FIRST_USER_NAME=pi
                        FIRST_USER_PASS=%s
                        ENABLE_SSH=1
                        TIMEZONE_DEFAULT=Europe/London
                        LOCALE_DEFAULT=en_GB.UTF-8
                        DEPLOY_COMPRESSION=none
                        BOOT_TEST=1
                        WORK_DIR=%s/work
                        STAGE_STORE_DIR=%s
                        DEPLOY_DIR=%s/deploy
                        STAGE_LIST="stage0 stage1 %s"
                        """.formatted(RELEASE, PI_PASSWORD, PI_DIR, store(), PI_DIR, writePiStage2(PI_DIR.resolve("stages/stage2"))));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot set up the Pi build: " + e.getMessage(), e);
            }
            // Alone it takes about a quarter of an hour; the limit is for a loaded host. (Run at nice -5, as
            // the suite's longest chain, it starved the PC boot checks beside it into systemd's device timeouts.)
            pi = Host.start(Duration.ofMinutes(75), REPO, Map.of(), REPO.resolve("build").toString(), "-c",
                    piConfig().toString());
        }
        return pi;
    }

    /**
     * Waits until the suite's Pi build has kept its stage2 in the store (it then goes on to export and boot
     * it): a build on top of the Pi stages needs no more. Fails when the build ends without it.
     */
    public static void awaitPiStagesKept() throws IOException, InterruptedException {
        CompletableFuture<Host.Result> build = pi();
        Path log = PI_DIR.resolve("work/build.log");
        while (true) {
            if (Files.exists(log) && Files.readString(log).contains("== stage stage2 kept in the stage store")) {
                return;
            }
            if (build.isDone()) {
                Host.Result result = build.join();
                throw new IllegalStateException("the suite's Pi build ended (exit " + result.exitCode()
                        + ") without keeping stage2 in the store: " + result.output());
            }
            Thread.sleep(2000);
        }
    }

    private static void assertNothingAttachedBelow(Path dir) throws IOException, InterruptedException {
        if (!HostLeftovers.below(dir).isEmpty()) {
            throw new IllegalStateException("attached from an earlier run below " + dir + ": " + HostLeftovers.below(dir));
        }
    }
}
