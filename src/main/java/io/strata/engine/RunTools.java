package io.strata.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import io.strata.reuse.Digests;

/**
 * The shell pieces stages and exports use, written out of the jar into the work dir: helpers.sh,
 * chroot-enter.sh, export-prepare.sh and export-clean.sh (disk images), live-prepare.sh and
 * live-boot.sh (live media). {@code scriptDir} is what pi-gen's SCRIPT_DIR is to its stages: it holds
 * {@code common} (the helpers, for a stage that sources them itself) and {@code remove-comments.sed}.
 */
public record RunTools(Path helpers, Path chrootEnter, Path exportPrepare, Path exportClean, Path livePrepare,
        Path liveBoot, Path scriptDir) {

    /** Every script, by its name in the jar (next to this class). */
    public static final java.util.List<String> SCRIPTS = java.util.List.of("helpers.sh", "chroot-enter.sh",
            "remove-comments.sed", "export-prepare.sh", "export-clean.sh", "live-prepare.sh", "live-boot.sh");

    public static RunTools install(Path runDir) {
        try {
            Path scriptDir = Files.createDirectories(runDir.resolve("scripts"));
            extract("helpers.sh", scriptDir, "common");
            extract("remove-comments.sed", scriptDir, "remove-comments.sed");
            return new RunTools(extract("helpers.sh", runDir), extract("chroot-enter.sh", runDir),
                    extract("export-prepare.sh", runDir), extract("export-clean.sh", runDir),
                    extract("live-prepare.sh", runDir), extract("live-boot.sh", runDir), scriptDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Strata's helper scripts into " + runDir, e);
        }
    }

    /** The scripts every stage runs; the others only run in exports. */
    public static final java.util.List<String> STAGE_SCRIPTS = java.util.List.of("helpers.sh", "chroot-enter.sh",
            "remove-comments.sed");

    /**
     * Strata's version and the digest of each of {@code scripts}: part of every stage key (with
     * {@link #STAGE_SCRIPTS}) and every export key (with {@link #SCRIPTS}).
     */
    public static String fingerprint(String version, java.util.List<String> scripts) {
        StringBuilder all = new StringBuilder(version).append('\n');
        for (String script : scripts) {
            try (InputStream in = RunTools.class.getResourceAsStream(script)) {
                all.append(script).append(' ').append(in == null ? "missing" : Digests.of(in.readAllBytes())).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + script + " from the Strata jar", e);
            }
        }
        return Digests.of(all.toString());
    }

    private static Path extract(String name, Path dir) throws IOException {
        return extract(name, dir, name);
    }

    private static Path extract(String name, Path dir, String as) throws IOException {
        Path target = dir.resolve(as);
        try (InputStream in = RunTools.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the Strata jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }
}
