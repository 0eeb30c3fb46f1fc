package io.strata.boot;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.io.file.PathUtils;

import io.strata.config.BuildConfig;
import io.strata.config.SecretMasker;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * Boots an exported image headless in QEMU, logs in on the serial console as FIRST_USER_NAME with
 * FIRST_USER_PASS (a live ISO: as LIVE_USER), runs the checks and prints a table. The console transcript (secrets masked) is
 * saved beside the image. No QEMU process outlives it, whatever happens.
 */
public final class BootCheck {

    /**
     * What to boot and how long to wait for its login prompt. {@code screenshot}: where a graphical
     * image's screen goes as a PNG once X answers (nothing is written for an image without X).
     */
    public record Options(Path image, Optional<Path> sshKey, Duration bootTimeout, boolean uefi, Optional<Path> screenshot) {
    }

    /** How long a login screen may take to draw after X answers, before the screenshot. */
    private static final Duration SETTLE = Duration.ofSeconds(20);

    /** The checks' results, where the transcript is, and whether everything passed. */
    public record Outcome(List<CheckResult> results, Path transcript, Duration took) {
        public boolean passed() {
            return !results.isEmpty() && results.stream().noneMatch(CheckResult::failed);
        }
    }

    private static final int CONSOLE_LINES_ON_FAILURE = 15;

    private final ProcessRunner runner;
    private final SecretMasker masker;

    public BootCheck(ProcessRunner runner, SecretMasker masker) {
        this.runner = runner;
        this.masker = masker;
    }

    public Outcome run(BuildConfig config, Options options, PrintWriter out)
            throws IOException, CommandFailedException, InterruptedException {
        Instant start = Instant.now();
        Path image = options.image().toAbsolutePath();
        Path transcript = transcriptPath(image);
        Path scratch = Files.createTempDirectory(image.getParent(), ".strata-boot-");
        // A Unix socket's path has at most 107 bytes: QEMU's QMP socket lives in a short one.
        Path qmpDir = Files.createTempDirectory("strata-qmp-");
        Path qmpSocket = qmpDir.resolve("qmp.sock");
        List<CheckResult> results = new ArrayList<>();
        SerialConsole console = null;
        try {
            Path raw = BootMedia.rawImage(image, scratch, runner);
            boolean live = BootMedia.isLiveIso(raw);
            Path overlay = live ? raw : BootMedia.overlay(raw, scratch, runner);
            Login login = live ? Login.live(config) : Login.firstUser(config);
            int port = freePort();
            List<String> argv = MachineSpec.qemuArgv(config, raw, overlay, scratch, port, options.uefi(), qmpSocket, runner);
            out.println("Booting " + image.getFileName() + ": " + String.join(" ", argv.subList(0, 3)) + " ... (serial console "
                    + "to " + transcript.getFileName() + ")");
            out.flush();
            try (QemuMachine machine = QemuMachine.start(runner, argv)) {
                console = machine.console();
                try {
                    GuestShell shell = GuestShell.login(console, login.user(), login.password(), options.bootTimeout());
                    results.add(CheckResult.pass("login", login.user() + " on the serial console after "
                            + Duration.between(start, Instant.now()).toSeconds() + " s"));
                    results.addAll(new GuestChecks(shell, config, login, live).run());
                    GraphicalChecks graphical = new GraphicalChecks(shell);
                    if (graphical.applies()) {
                        List<CheckResult> shown = graphical.run();
                        results.addAll(shown);
                        if (options.screenshot().isPresent() && shown.stream().noneMatch(CheckResult::failed)) {
                            results.add(screenshot(qmpSocket, options.screenshot().get()));
                        }
                    }
                    results.addAll(new SshChecks(runner, config, port).run(options.sshKey()));
                } catch (GuestShell.LoginFailedException e) {
                    results.add(CheckResult.fail("login", e.getMessage() + "; the console's last lines:\n"
                            + String.join("\n", console.lastLines(CONSOLE_LINES_ON_FAILURE).stream()
                                    .map(l -> "      | " + masker.mask(l)).toList())));
                }
            }
        } finally {
            if (console != null) {
                Files.writeString(transcript, masker.mask(console.transcript()));
            }
            PathUtils.deleteDirectory(scratch);
            PathUtils.deleteDirectory(qmpDir);
        }
        return new Outcome(results, transcript, Duration.between(start, Instant.now()));
    }

    private static CheckResult screenshot(Path qmpSocket, Path png) throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        try (Qmp qmp = Qmp.connect(qmpSocket)) {
            qmp.screendump(png);
            return CheckResult.pass("screenshot", png + " (" + Files.size(png) / 1024 + " KiB)");
        } catch (IOException e) {
            return CheckResult.fail("screenshot", "QEMU's screendump failed: " + e.getMessage());
        }
    }

    /** {@code image_x-lxdedesk.img} (or .zip, .img.xz ...) gets {@code image_x-lxdedesk.screen.png} beside it. */
    public static Path screenshotPath(Path image) {
        return image.resolveSibling(baseName(image) + ".screen.png");
    }

    /** Prints the pass/fail table. */
    public static void print(Outcome outcome, PrintWriter out) {
        out.println();
        for (CheckResult result : outcome.results()) {
            out.printf("  %-4s  %-24s %s%n", result.status(), result.name(), result.detail());
        }
        out.println();
        out.println((outcome.passed() ? "Boot check passed" : "Boot check FAILED") + " in "
                + outcome.took().toSeconds() + " s. Console transcript: " + outcome.transcript());
        out.flush();
    }

    /** image_x-lite.zip (or .img, .img.gz, .img.xz, .iso) gets image_x-lite.boot-console.log beside it. */
    static Path transcriptPath(Path image) {
        return image.resolveSibling(baseName(image) + ".boot-console.log");
    }

    private static String baseName(Path image) {
        return image.getFileName().toString().replaceFirst("(\\.iso|(\\.img)?(\\.zip|\\.gz|\\.xz)?)$", "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
