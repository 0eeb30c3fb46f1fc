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

    /** How long a login screen may take to draw once its greeter runs, before the first screenshot. */
    private static final Duration SETTLE = Duration.ofSeconds(15);

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
        String consoleText = null;
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
            StringBuilder transcripts = new StringBuilder();
            try {
                boolean readOnly = ReadOnlyChecks.wanted(config) && !live;
                Optional<GuestShell> first = boot(argv, login, options, start, results, transcripts);
                if (first.isPresent()) {
                    GuestShell shell = first.get();
                    results.addAll(new GuestChecks(shell, config, login, live).run());
                    graphical(shell, qmpSocket, options, results);
                    if (readOnly) {
                        ReadOnlyChecks ro = new ReadOnlyChecks(config);
                        results.addAll(ro.beforeReboot(shell));
                        Optional<String> key = ro.hostKey(shell);
                        shell.run("sudo -n systemctl poweroff", Duration.ofSeconds(10));
                        machine.awaitExit(Duration.ofMinutes(3));
                        machine.close();
                        out.println("Booting " + image.getFileName() + " again, to check that its changes are gone ...");
                        out.flush();
                        Optional<GuestShell> second = boot(argv, login, options, Instant.now(), results, transcripts);
                        if (second.isPresent()) {
                            results.addAll(ro.afterReboot(second.get(), key));
                        }
                    }
                    if (results.stream().noneMatch(r -> r.name().startsWith("login") && r.failed())) {
                        results.addAll(new SshChecks(runner, config, port).run(options.sshKey()));
                    }
                }
            } finally {
                if (machine != null) {
                    machine.close();
                    transcripts.append(machine.console().transcript());
                    machine = null;
                }
                consoleText = transcripts.toString();
            }
        } finally {
            if (consoleText != null) {
                Files.writeString(transcript, masker.mask(consoleText));
            }
            PathUtils.deleteDirectory(scratch);
            PathUtils.deleteDirectory(qmpDir);
        }
        return new Outcome(results, transcript, Duration.between(start, Instant.now()));
    }

    /** The QEMU of the boot in progress (a ROOTFS_RO image boots twice); only {@link #run} uses it. */
    private QemuMachine machine;

    /**
     * Starts QEMU (closing the machine before, whose console joins {@code transcripts}) and logs in:
     * the shell, or empty with the failed login among the results.
     */
    private Optional<GuestShell> boot(List<String> argv, Login login, Options options, Instant start,
            List<CheckResult> results, StringBuilder transcripts) throws IOException, CommandFailedException, InterruptedException {
        String name = results.isEmpty() ? "login" : "login again";
        if (machine != null) {
            machine.close();
            transcripts.append(machine.console().transcript());
        }
        machine = QemuMachine.start(runner, argv);
        SerialConsole console = machine.console();
        try {
            GuestShell shell = GuestShell.login(console, login.user(), login.password(), options.bootTimeout());
            results.add(CheckResult.pass(name, login.user() + " on the serial console after "
                    + Duration.between(start, Instant.now()).toSeconds() + " s"));
            return Optional.of(shell);
        } catch (GuestShell.LoginFailedException e) {
            results.add(CheckResult.fail(name, e.getMessage() + "; the console's last lines:\n"
                    + String.join("\n", console.lastLines(CONSOLE_LINES_ON_FAILURE).stream()
                            .map(l -> "      | " + masker.mask(l)).toList())));
            return Optional.empty();
        }
    }

    private static void graphical(GuestShell shell, Path qmpSocket, Options options, List<CheckResult> results)
            throws IOException, InterruptedException {
        GraphicalChecks graphical = new GraphicalChecks(shell);
        if (graphical.applies()) {
            List<CheckResult> shown = graphical.run();
            results.addAll(shown);
            if (options.screenshot().isPresent() && shown.stream().noneMatch(CheckResult::failed)) {
                graphical.awaitLoginScreen();
                CheckResult screen = screenshot(qmpSocket, options.screenshot().get());
                results.add(screen.failed() ? CheckResult.fail(screen.name(), screen.detail() + graphical.whyBlank()) : screen);
            }
        }
    }

    /**
     * The screen as a PNG, once it shows something: a screen still blank (less than 1 % of it
     * differs from its most common colour: a black screen with a pointer) is taken again, every 15 s,
     * for up to five minutes (SDDM's QML greeter, drawn by llvmpipe under TCG on a loaded host, was seen
     * blank for more than two), and fails the check if it stays blank.
     */
    private static CheckResult screenshot(Path qmpSocket, Path png) throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        try (Qmp qmp = Qmp.connect(qmpSocket)) {
            double drawn = 0;
            for (int attempt = 0; attempt < 20; attempt++) {
                if (attempt > 0) {
                    Thread.sleep(15_000);
                }
                qmp.screendump(png);
                drawn = drawnShare(png);
                if (drawn >= 0.01) {
                    return CheckResult.pass("screenshot", png + String.format(" (%d KiB, %.0f %% drawn)",
                            Files.size(png) / 1024, drawn * 100));
                }
            }
            return CheckResult.fail("screenshot", String.format("the screen stayed blank (%.2f %% drawn) for five minutes: ",
                    drawn * 100) + png);
        } catch (IOException e) {
            return CheckResult.fail("screenshot", "QEMU's screendump failed: " + e.getMessage());
        }
    }

    /** The share of the screen that is not its most common colour (the background). */
    static double drawnShare(Path png) throws IOException {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        if (image == null) {
            throw new IOException(png + " is not a PNG image");
        }
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        int total = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                counts.merge(image.getRGB(x, y), 1, Integer::sum);
                total++;
            }
        }
        int background = counts.values().stream().max(Integer::compare).orElse(0);
        return total == 0 ? 0 : 1.0 - (double) background / total;
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
        return image.getFileName().toString().replaceFirst("(\\.iso|(\\.img)?(\\.zip|\\.gz|\\.xz|\\.zst)?)$", "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
