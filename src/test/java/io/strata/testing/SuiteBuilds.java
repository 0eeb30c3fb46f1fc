package io.strata.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /** The Raspberry Pi arm64 lite config of the suite (BOOT_TEST=1: the build boots its image on QEMU's virt machine). */
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
                        STAGE_LIST="stage0 stage1 stage2"
                        """.formatted(RELEASE, PI_PASSWORD, PI_DIR, store(), PI_DIR));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot set up the Pi build: " + e.getMessage(), e);
            }
            // Under qemu-user the one initramfs run alone takes 10 to 17 minutes on these 2-core machines.
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
