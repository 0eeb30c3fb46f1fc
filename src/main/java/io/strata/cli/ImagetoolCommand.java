package io.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.strata.boot.BootCheck;
import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.SecretMasker;
import io.strata.disk.AttachTool;
import io.strata.exec.CommandFailedException;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;
import io.strata.host.HostNeeds;
import io.strata.host.HostRequirements;
import io.strata.host.MissingToolsException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./imagetool --boot IMAGE -c myconfig.cfg}: works with what a build made. */
@Command(name = "imagetool", mixinStandardHelpOptions = true, versionProvider = StrataMain.Version.class,
        customSynopsis = {"imagetool [OPTIONS] (--boot IMAGE | --cleanup | --list |",
                "                 --mount IMAGE MOUNTPOINT | --umount MOUNTPOINT |",
                "                 --connect IMAGE | --disconnect DEVICE |",
                "                 --flash IMAGE DEVICE [--force] [--yes] |",
                "                 --store | --prune SIZE | --prune-older DAYS)"},
        description = {"Works with the images a build made.",
                "--boot IMAGE boots an exported image (.img, .zip, .img.gz, .img.xz, .img.zst, or a PC live .iso) headless in QEMU, logs in on its "
                        + "serial console with the config's FIRST_USER_NAME and FIRST_USER_PASS and checks it against "
                        + "the config.",
                "--flash IMAGE DEVICE writes an exported image to a card or stick with bmaptool (only the blocks "
                        + "that hold data) and checks what was written; it refuses a mounted device, the running system's "
                        + "disk, and anything but a whole removable disk unless --force.",
                "--cleanup releases what every Strata work dir on this host still holds whose build is not running "
                        + "(or, with -c, the config's WORK_DIR alone); --list shows it, and what --mount and --connect attached.",
                "Exit codes: 0 done (every check passed), 1 failed (a check failed, something could not be released), "
                        + "2 bad input."})
public final class ImagetoolCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** What imagetool is asked to do: exactly one action. */
    static final class Action {
        @Option(names = "--boot", paramLabel = "IMAGE", description = "boot an exported image in QEMU and check it")
        Path bootImage;

        @Option(names = "--cleanup", description = "release everything Strata work dirs still have attached after a "
                + "crash (each one's ledger, then what the host shows: mounts, loop devices, FUSE files, qemu-nbd); "
                + "every work dir on this host, or with -c the config's; needs root")
        boolean cleanup;

        @Option(names = "--list", description = "list what every Strata work dir on this host (or with -c the "
                + "config's WORK_DIR) has attached, its ledger and the host's view, and what imagetool has mounted or "
                + "connected")
        boolean list;

        @Option(names = "--mount", arity = "2", paramLabel = "IMAGE MOUNTPOINT", hideParamSyntax = true, description = "mount a stage image "
                + "(.qcow2; read-only once the stage is done) or an exported .img (its root, read-only, and its boot "
                + "partition where this host can mount it); needs root")
        List<Path> mount;

        @Option(names = "--umount", paramLabel = "MOUNTPOINT", description = "unmount what --mount mounted there and "
                + "release everything behind it; needs root")
        Path umount;

        @Option(names = "--connect", paramLabel = "IMAGE", description = "attach an image as a block device and print "
                + "it (a stage image's file system, or an exported image's whole disk, read-only); needs root")
        Path connect;

        @Option(names = "--disconnect", paramLabel = "DEVICE", description = "release a device --connect printed; needs root")
        Path disconnect;

        @Option(names = "--flash", arity = "2", paramLabel = "IMAGE DEVICE", hideParamSyntax = true, description = "write "
                + "an exported image (.img, .zip, .img.gz, .img.xz, .img.zst, with its .bmap beside it) to a card or "
                + "stick, or a file, and check it; asks first on a terminal")
        List<Path> flash;

        @Option(names = "--compare", arity = "2", paramLabel = "IMAGE IMAGE", hideParamSyntax = true, description = "whether "
                + "two exported raw images (.img) are the same bytes, and if not, which part of the disk and which "
                + "files differ, with a diff of their content (diffoscope's, when it is installed); exit 0 identical, 1 not")
        List<Path> compare;

        @Option(names = "--store", description = "list the stage store (STAGE_STORE_DIR of -c's config, or "
                + "/var/cache/strata/stages): each stage's key, size, when it was built and last used, and for which image")
        boolean store;

        @Option(names = "--prune", paramLabel = "SIZE", description = "drop the least recently used stages from the "
                + "stage store until it holds at most SIZE (K, M, G); never one a work dir still uses")
        String pruneSize;

        @Option(names = "--prune-older", paramLabel = "DAYS", description = "drop the stages of the stage store not used "
                + "for DAYS days; never one a work dir still uses")
        Integer pruneDays;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the config the image was built from")
    Path configFile;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "private key for PUBKEY_SSH_FIRST_USER, to check a key login")
    Path sshKey;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "how long to wait for the login prompt (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--uefi", description = "boot a PC image through UEFI (OVMF) instead of BIOS")
    boolean uefi;

    @Option(names = "--screenshot", paramLabel = "FILE",
            description = "with --boot: write a PNG of a graphical image's screen once its login screen is up")
    Path screenshot;

    @Option(names = "--force", description = "with --flash: write a device that is not a whole removable disk")
    boolean force;

    @Option(names = {"-y", "--yes"}, description = "with --flash: do not ask before writing")
    boolean yes;

    @Option(names = "--stacktrace", description = "print the stack trace of an unexpected error")
    boolean stacktrace;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (action.mount != null || action.umount != null || action.connect != null || action.disconnect != null) {
            return attach(out, err);
        }
        if (action.flash != null) {
            return new FlashTool(out, err).run(action.flash.get(0), action.flash.get(1), force, yes);
        }
        if (action.compare != null) {
            return compare(action.compare.get(0), action.compare.get(1), out, err);
        }
        if (action.store || action.pruneSize != null || action.pruneDays != null) {
            return store(out, err);
        }
        if ((action.list || action.cleanup) && configFile == null) {
            return WorkDirTool.runEverywhere(action.cleanup, out, err);
        }
        BuildConfig config;
        try {
            config = BuildCommand.loadConfig(Optional.ofNullable(configFile), Path.of("").toAbsolutePath());
            if (action.bootImage != null) {
                checkBootOptions(config);
            }
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, action.bootImage != null ? "the boot check" : "imagetool", e);
        }
        if (action.cleanup || action.list) {
            return new WorkDirTool(config, out, err).run(action.cleanup);
        }
        SecretMasker masker = new SecretMasker(config.secretValues());
        BootCheck check = new BootCheck(new SystemProcessRunner(LineSink.DISCARD), masker);
        try {
            // The boot machine and its firmware: installed on the first boot check, as a build installs its tools.
            HostRequirements.read(config.baseDir().resolve("depends")).ensure(HostNeeds.forBoot(config.targetArch(), uefi),
                    true, new SystemProcessRunner(LineSink.DISCARD), out);
            BootCheck.Outcome outcome = check.run(config, new BootCheck.Options(action.bootImage, Optional.ofNullable(sshKey),
                    Duration.ofSeconds(timeoutSeconds), uefi, Optional.ofNullable(screenshot)), out);
            BootCheck.print(outcome, out);
            return outcome.passed() ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (CommandFailedException e) {
            err.println("strata: the boot check failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (MissingToolsException e) {
            err.println("strata: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    private int compare(Path one, Path other, PrintWriter out, PrintWriter err) throws Exception {
        List<String> problems = new java.util.ArrayList<>();
        for (Path image : List.of(one, other)) {
            if (!java.nio.file.Files.isRegularFile(image)) {
                problems.add("--compare " + image + ": no such file; give two raw images (.img), unpacked "
                        + "(unzip, xz -d, zstd -d or gunzip a packed one first)");
            }
        }
        if (!problems.isEmpty()) {
            return ExitCodes.badInput(err, "imagetool", new BadInputException(problems));
        }
        Path scratch = Optional.ofNullable(one.toAbsolutePath().getParent()).orElse(Path.of("."));
        boolean identical = new io.strata.compare.ImageComparison(new SystemProcessRunner(LineSink.DISCARD), out)
                .compare(one, other, scratch);
        out.flush();
        return identical ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int store(PrintWriter out, PrintWriter err) throws Exception {
        Path dir = Path.of(io.strata.config.Variables.named("STAGE_STORE_DIR").orElseThrow().defaultValue());
        List<String> problems = new java.util.ArrayList<>();
        try {
            if (configFile != null) {
                BuildConfig config = BuildCommand.loadConfig(Optional.of(configFile), Path.of("").toAbsolutePath());
                Optional<Path> configured = io.strata.store.StoreSettings.dir(config);
                if (configured.isEmpty()) {
                    problems.add("the config sets STAGE_STORE_DIR= (no stage store): there is nothing to list or prune");
                }
                dir = configured.orElse(dir);
            }
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, "imagetool", e);
        }
        Optional<Long> size = Optional.ofNullable(action.pruneSize).map(io.strata.config.Sizes::parse)
                .filter(java.util.OptionalLong::isPresent).map(java.util.OptionalLong::getAsLong);
        if (action.pruneSize != null && size.isEmpty()) {
            problems.add("--prune " + action.pruneSize + " is not a size: write e.g. --prune 20G (K, M or G)");
        }
        if (action.pruneDays != null && action.pruneDays < 0) {
            problems.add("--prune-older " + action.pruneDays + ": give a number of days, 0 or more");
        }
        if ((action.pruneSize != null || action.pruneDays != null) && !BuildCommand.isRoot()) {
            problems.add("pruning the stage store needs root (its layers are root's): run it with sudo");
        }
        if (!problems.isEmpty()) {
            return ExitCodes.badInput(err, "imagetool", new BadInputException(problems));
        }
        StoreTool tool = new StoreTool(dir, out);
        try {
            return size.isPresent() ? tool.pruneTo(size.get())
                    : action.pruneDays != null ? tool.pruneOlder(action.pruneDays) : tool.list();
        } finally {
            out.flush();
        }
    }

    private int attach(PrintWriter out, PrintWriter err) throws Exception {
        if (!BuildCommand.isRoot()) {
            err.println("strata: imagetool cannot start: attaching and mounting images needs root: run it with sudo");
            return ExitCodes.BAD_INPUT;
        }
        AttachTool tool = new AttachTool(out);
        try {
            if (action.mount != null) {
                tool.mount(action.mount.get(0), action.mount.get(1));
                return ExitCodes.OK;
            } else if (action.connect != null) {
                tool.connect(action.connect);
                return ExitCodes.OK;
            }
            boolean released = action.umount != null ? tool.umount(action.umount) : tool.disconnect(action.disconnect);
            return released ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (AttachTool.Refused e) {
            err.println("strata: imagetool cannot start: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (CommandFailedException | io.strata.disk.ReleaseException e) {
            err.println("strata: imagetool failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void checkBootOptions(BuildConfig config) throws BadInputException {
        Path bootImage = action.bootImage;
        List<String> problems = new java.util.ArrayList<>();
        if (!Files.isRegularFile(bootImage)) {
            problems.add("--boot " + bootImage + ": no such file; give an exported image from the deploy directory "
                    + "(" + config.deployDir() + ")");
        } else if (!bootImage.getFileName().toString().matches(".*\\.(img|zip|img\\.gz|img\\.xz|img\\.zst|iso)")) {
            problems.add("--boot " + bootImage + " is not an exported image: give a .img, .zip, .img.gz, .img.xz, .img.zst or live .iso file");
        }
        if (sshKey != null && !Files.isReadable(sshKey)) {
            problems.add("--ssh-key " + sshKey + ": cannot read it; give the private key matching PUBKEY_SSH_FIRST_USER");
        }
        if (screenshot != null && !screenshot.getFileName().toString().endsWith(".png")) {
            problems.add("--screenshot " + screenshot + ": the screenshot is a PNG file; give a name ending in .png");
        } else if (screenshot != null && !Files.isDirectory(screenshot.toAbsolutePath().getParent())) {
            problems.add("--screenshot " + screenshot + ": the directory " + screenshot.toAbsolutePath().getParent()
                    + " does not exist");
        }
        if (timeoutSeconds < 10) {
            problems.add("--timeout " + timeoutSeconds + " is too short for a boot: give at least 10 seconds");
        }
        if (uefi && config.targetRaspi()) {
            problems.add("--uefi boots PC images only; this config has TARGET_RASPI=1");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
    }
}
