package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.io.file.PathUtils;

import io.strata.disk.ReleaseException;
import io.strata.engine.Chroot;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * The pipeline every export runs on a sealed stage: a fresh directory under the work dir's export/, a
 * qcow2 overlay of the stage image in it, the overlay's root mounted at {@code rootfs}, the export's
 * scripts run in that root, and on close everything attached released and the overlay deleted (unless
 * {@link #keepOverlay() kept} for a look after a failure). The stage image itself is never written.
 */
final class ExportWorkspace implements AutoCloseable {

    /**
     * What the export found installed in the prepared root, and what the root's apt lists said of the
     * packages before the clean removed them (empty unless {@link #withListed} gave it).
     */
    record SystemContent(List<String> kernels, List<DebPackage> packages, Map<String, io.strata.cache.LockedPackage> listed) {
        SystemContent withListed(Map<String, io.strata.cache.LockedPackage> fromLists) {
            return new SystemContent(kernels, packages, fromLists);
        }
    }

    private final ExportParts parts;
    private final ProcessRunner runner;
    private final Chroot chroot;
    private final Path rootfs;
    private final Path overlay;
    private final int outer;
    private boolean keepOverlay;

    private ExportWorkspace(ExportParts parts, Path rootfs, Path overlay, int outer) {
        this.parts = parts;
        this.runner = parts.disk().runner();
        this.chroot = new Chroot(parts.context().tools());
        this.rootfs = rootfs;
        this.overlay = overlay;
        this.outer = outer;
    }

    /** {@code dir}, emptied: what an earlier export left there is gone. */
    static Path freshDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            PathUtils.deleteDirectory(dir);
        }
        return Files.createDirectories(dir);
    }

    /** The overlay of {@code stageImage} in {@code dir}, its root mounted at {@code dir}/rootfs. */
    static ExportWorkspace open(ExportParts parts, Path dir, Path stageImage)
            throws IOException, CommandFailedException, InterruptedException, ReleaseException {
        Path overlay = dir.resolve("export-overlay.qcow2");
        parts.disk().tools().createQcow2(overlay, 0, Optional.of(stageImage));
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        ExportWorkspace workspace = new ExportWorkspace(parts, rootfs, overlay, parts.disk().scope().size());
        try {
            parts.disk().tools().mount(parts.disk().attacher().attach(overlay, parts.disk().scope()), rootfs, parts.disk().scope());
        } catch (CommandFailedException | InterruptedException | RuntimeException e) {
            workspace.close();
            throw e;
        }
        return workspace;
    }

    Path rootfs() {
        return rootfs;
    }

    Path overlay() {
        return overlay;
    }

    /**
     * Runs the bash script {@code script} (a file, fed to bash -e) in the mounted root, with
     * SOURCE_DATE_EPOCH set to the build's (the time whatever it writes should carry).
     */
    void run(Map<String, String> env, Path script) throws CommandFailedException, InterruptedException {
        runner.check(chroot.command(rootfs, withSourceDate(env), "/bin/bash", "-e").withStdin(script));
    }

    /**
     * Builds a deferred initramfs once (mkinitramfs dates and orders its archive by SOURCE_DATE_EPOCH)
     * and removes the build-time files (policy-rc.d, proxy, stubs).
     */
    void tidy(Map<String, String> env) throws CommandFailedException, InterruptedException {
        runner.check(chroot.tidy(rootfs, withSourceDate(env)));
    }

    private Map<String, String> withSourceDate(Map<String, String> env) {
        Map<String, String> dated = new LinkedHashMap<>(env);
        dated.put("SOURCE_DATE_EPOCH", Long.toString(parts.context().config().sourceDate().getEpochSecond()));
        return dated;
    }

    /**
     * Every file and link in the root newer than {@code sourceDate} is dated {@code sourceDate} (what the
     * build wrote carries the build's time; what packages installed keeps the package's), and every
     * directory is: a directory's time is when an entry last came or went, which a build step's scratch
     * file (mkinitramfs's in /var/tmp, when the initramfs cache missed) moves.
     */
    void clampTimes(Instant sourceDate) throws CommandFailedException, InterruptedException {
        String at = "@" + sourceDate.getEpochSecond();
        runner.check(Command.of("find", rootfs.toString(), "-xdev", "(", "-type", "d", "-o", "-newermt", at, ")",
                "-exec", "touch", "--no-create", "-h", "-d", at, "{}", "+"));
    }

    SystemContent content() throws IOException {
        return new SystemContent(InstalledSystem.kernels(rootfs), DpkgDatabase.installed(rootfs), Map.of());
    }

    /** Close then leaves the overlay in place, for the user to look at what failed. */
    void keepOverlay() {
        keepOverlay = true;
    }

    @Override
    public void close() throws IOException, ReleaseException {
        try {
            parts.disk().scope().releaseAllBut(outer);
        } finally {
            if (!keepOverlay) {
                Files.deleteIfExists(overlay);
            }
        }
    }
}
