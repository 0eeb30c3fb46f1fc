package io.strata.engine;

import io.strata.config.Arch;
import io.strata.config.SecretMasker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.CommandResult;
import io.strata.exec.ProcessRunner;
import io.strata.host.Binfmt;
import io.strata.plan.PackageList;
import io.strata.plan.Step;

/** Carries out one step of a substage, on the host or inside the stage's chroot. */
final class StepRunner {

    /** chroot-enter.sh's note that a step asked for an initramfs while it was deferred. */
    private static final String INITRAMFS_PENDING = "/var/lib/strata/initramfs-pending";
    /** chroot-enter.sh runs update-ca-certificates on the host when the command ends. */
    static final String HOST_CA_CERTIFICATES = "STRATA_HOST_CA_CERTIFICATES";

    private final ProcessRunner runner;
    private final Chroot chroot;
    private final BuildLog log;
    private final SecretMasker masker;
    private final Terminal terminal;

    StepRunner(ProcessRunner runner, RunTools tools, BuildLog log, SecretMasker masker, Terminal terminal) {
        this.runner = runner;
        this.chroot = new Chroot(tools);
        this.log = log;
        this.masker = masker;
        this.terminal = terminal;
    }

    /** Runs {@code step}; {@code where} names it in messages ("00-configure/00-run.sh"). */
    void run(Step step, StageContext stage, Map<String, String> env, Path cwd, String where)
            throws StepFailedException, InterruptedException {
        try {
            CommandResult result;
            if (step instanceof Step.Debconf d) {
                result = runner.run(inChroot(stage, env, "debconf-set-selections").withStdin(d.source()));
            } else if (step instanceof Step.InstallPackages p) {
                result = installPackages(p, stage, env);
            } else if (step instanceof Step.InstallDebs d) {
                result = installDebs(d, stage, env);
            } else if (step instanceof Step.ApplyPatches p) {
                result = applyPatches(p, stage, env, where);
            } else if (step instanceof Step.RunHostScript s) {
                result = runner.run(hostScript(s.source(), env, cwd));
            } else {
                result = runner.run(inChroot(stage, env, "/bin/bash", "-e").withStdin(step.source()));
            }
            if (result != null && !result.succeeded()) {
                throw failed(stage, where, result.exitCode(), result.tail());
            }
        } catch (CommandFailedException e) {
            throw failed(stage, where, e);
        } catch (IOException e) {
            throw new StepFailedException(stage.stage().name(), where, masker.mask(String.valueOf(e.getMessage())), log.path());
        }
    }

    /**
     * Ends a stage: builds the initramfs once if a step asked for one (from the initramfs cache when it
     * holds one under the same key, computed here on the host), and removes the build-time files.
     */
    void finish(StageContext stage) throws StepFailedException, InterruptedException {
        Map<String, String> env = new java.util.LinkedHashMap<>(stage.environment());
        try {
            initramfsKeys(stage).ifPresent(keys -> env.put("STRATA_INITRAMFS_KEYS", keys));
        } catch (IOException e) {
            throw new StepFailedException(stage.stage().name(), "finish", "cannot key the initramfs: "
                    + masker.mask(String.valueOf(e.getMessage())), log.path());
        }
        Command tidy = chroot.tidy(stage.rootfs(), env);
        try {
            CommandResult result = runner.run(tidy);
            if (!result.succeeded()) {
                throw failed(stage, "finish", result.exitCode(), result.tail());
            }
        } catch (CommandFailedException e) {
            throw failed(stage, "finish", e);
        }
    }

    /**
     * "VERSION=KEY ..." for every kernel of the image, when a step asked for an initramfs and the build has
     * a package cache (which holds the initramfs cache); empty otherwise.
     */
    static java.util.Optional<String> initramfsKeys(StageContext stage) throws IOException {
        Path root = stage.rootfs();
        if (!stage.environment().containsKey(io.strata.cache.PackageCache.CACHE)
                || io.strata.disk.ImageFiles.resolve(root, INITRAMFS_PENDING).isEmpty()) {
            return java.util.Optional.empty();
        }
        java.util.Optional<Path> modules = io.strata.disk.ImageFiles.directory(root, "/lib/modules");
        if (modules.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> kernels = Files.list(modules.get())) {
            for (Path kernel : kernels.filter(Files::isDirectory).sorted().toList()) {
                String version = kernel.getFileName().toString();
                keys.add(version + "=" + io.strata.cache.InitramfsKey.of(root, version,
                        stage.environment().getOrDefault("ARCH", "")));
            }
        }
        return java.util.Optional.of(String.join(" ", keys));
    }

    /** A host script gets pi-gen's helpers (on_chroot, log, install_file, ...) as exported functions. */
    Command hostScript(Path script, Map<String, String> env, Path cwd) {
        List<String> argv = new java.util.ArrayList<>();
        if ("1".equals(env.get("STRATA_OFFLINE"))) {
            argv.addAll(List.of("unshare", "--net", "--")); // OFFLINE=1: no network but a loopback that is down
        }
        argv.addAll(List.of("bash", "-c", "source \"$STRATA_HELPERS\" && exec \"$0\"", script.toString()));
        return Command.of(argv).withEnv(env).inDirectory(cwd);
    }

    /** A command inside the chroot, in a private mount namespace that takes its mounts with it when it ends. */
    Command inChroot(StageContext stage, Map<String, String> env, String... argv) {
        return chroot.command(stage.rootfs(), env, argv);
    }

    private CommandResult installPackages(Step.InstallPackages step, StageContext stage, Map<String, String> env)
            throws CommandFailedException, InterruptedException, StepFailedException {
        List<String> packages = PackageList.read(step.source());
        if (packages.isEmpty()) {
            log.note(step.label() + " lists no packages");
            return null;
        }
        return aptInstall(stage, env, step.recommends(), packages);
    }

    /** apt-get install in the chroot (after apt-get update when the image has no package lists yet). */
    private CommandResult aptInstall(StageContext stage, Map<String, String> env, boolean recommends, List<String> packages)
            throws CommandFailedException, InterruptedException {
        if (!hasPackageLists(stage.rootfs())) {
            runner.check(inChroot(stage, env, "apt-get", "-q", "-o", "Acquire::Retries=3", "update"));
        }
        List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "-y", "-o", "Acquire::Retries=3",
                "-o", "Dpkg::Use-Pty=0", "install"));
        if (!recommends) {
            argv.add("--no-install-recommends");
        }
        argv.addAll(packages);
        return runner.run(inChroot(stage, packageStepEnvironment(env), argv.toArray(String[]::new)));
    }

    /**
     * Strata's own apt-get, on an emulated target, defers update-ca-certificates to the end of the step and
     * runs it with the host's tools (chroot-enter.sh): nothing of the step runs in between.
     */
    static Map<String, String> packageStepEnvironment(Map<String, String> env) {
        boolean emulated = Arch.fromDebianName(env.getOrDefault("ARCH", "")).map(arch -> !Binfmt.isNative(arch)).orElse(false);
        if (!emulated) {
            return env;
        }
        Map<String, String> deferred = new java.util.LinkedHashMap<>(env);
        deferred.put(HOST_CA_CERTIFICATES, "1");
        return deferred;
    }

    /**
     * The .deb files are copied into the image's /tmp (emptied when the stage ends) and installed by
     * apt from there, so their dependencies come from the archive; then they are removed.
     */
    private CommandResult installDebs(Step.InstallDebs step, StageContext stage, Map<String, String> env)
            throws CommandFailedException, InterruptedException, IOException {
        Path tmp = stage.rootfs().resolve("tmp");
        if (!Files.isDirectory(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the image's /tmp is not a directory (a symbolic link?): " + step.label()
                    + " copies its packages there; make /tmp a directory again");
        }
        Path inImage = Files.createTempDirectory(tmp, "strata-debs-");
        try {
            List<String> debs = new ArrayList<>();
            try (Stream<Path> files = Files.list(step.source())) {
                for (Path deb : files.sorted().toList()) {
                    Files.copy(deb, inImage.resolve(deb.getFileName()));
                    debs.add("/tmp/" + inImage.getFileName() + "/" + deb.getFileName());
                }
            }
            return aptInstall(stage, env, false, debs);
        } finally {
            org.apache.commons.io.file.PathUtils.deleteDirectory(inImage);
        }
    }

    private static boolean hasPackageLists(Path rootfs) {
        Path lists = rootfs.resolve("var/lib/apt/lists");
        if (!Files.isDirectory(lists)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lists)) {
            return files.anyMatch(f -> f.getFileName().toString().contains("_Packages"));
        } catch (IOException e) {
            return false;
        }
    }

    /** As pi-gen: quilt in the stage's work directory, where patches name files as rootfs/...; "no patches left" is fine. */
    private CommandResult applyPatches(Step.ApplyPatches step, StageContext stage, Map<String, String> env, String where)
            throws CommandFailedException, InterruptedException, StepFailedException {
        String subStage = step.source().getParent().getFileName().toString();
        String pcDir = subStage + "-pc";
        Map<String, String> quiltEnv = new java.util.LinkedHashMap<>(env);
        quiltEnv.put("QUILT_PATCHES", step.source().toString());
        Path workDir = stage.stageWorkDir();
        // quilt's record of what it applied belongs to the root it applied it to: this run's is new.
        runner.check(Command.of("bash", "-c", "rm -rf \"$1\" && mkdir -p \"$1\" && ln -snf \"$1\" .pc", "link", pcDir)
                .inDirectory(workDir));
        runner.check(Command.of("quilt", "upgrade").withEnv(quiltEnv).inDirectory(workDir));
        if (Files.exists(step.source().resolve("EDIT"))) {
            if (!terminal.interactive()) {
                throw new StepFailedException(stage.stage().name(), where, step.source().resolve("EDIT")
                        + " asks for a shell to edit the patches, but this build has no terminal: remove the EDIT file, "
                        + "or run the build from a terminal", log.path());
            }
            log.note("dropping into bash to edit the patches of " + where + "; exit the shell to go on");
            terminal.shell(Command.of("bash").withEnv(quiltEnv).inDirectory(workDir));
        }
        CommandResult push = runner.run(Command.of("quilt", "push", "-a").withEnv(quiltEnv).inDirectory(workDir));
        return push.exitCode() == 2 ? null : push;
    }

    /** A command of the step that failed on its own terms (apt-get update, a time limit, could not start): it is named. */
    private StepFailedException failed(StageContext stage, String where, CommandFailedException cause) {
        return new StepFailedException(stage.stage().name(), where, masker.mask(cause.getMessage()), log.path());
    }

    private StepFailedException failed(StageContext stage, String where, int exitCode, List<String> tail) {
        return new StepFailedException(stage.stage().name(), where, exitCode,
                tail.stream().map(masker::mask).toList(), log.path());
    }
}
