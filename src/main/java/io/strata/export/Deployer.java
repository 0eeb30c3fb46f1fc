package io.strata.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * Puts a finished raw image into the deploy directory, packed as DEPLOY_COMPRESSION asks, with a
 * .sha256 that {@code sha256sum -c} accepts. Every file is written under a temporary name and
 * renamed when complete, so the deploy directory never holds half a file.
 */
final class Deployer {

    private final ProcessRunner runner;

    Deployer(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Packs {@code image} (named {@code names.image()}) into {@code deployDir}; returns the deploy file. */
    Path deploy(Path image, DeployNames names, int level, Path deployDir)
            throws IOException, CommandFailedException, InterruptedException {
        Files.createDirectories(deployDir);
        Path target = deployDir.resolve(names.deployFile());
        Path partial = deployDir.resolve("." + names.deployFile() + ".partial");
        Files.deleteIfExists(partial);
        String lvl = "-" + level;
        switch (names.compression()) {
            case NONE -> Files.copy(image, partial, StandardCopyOption.REPLACE_EXISTING);
            case ZIP -> runner.check(Command.of("zip", "-q", "-j", lvl, partial.toString(), image.toString()));
            case GZ -> pipe("gzip", lvl, image, partial);
            case XZ -> pipe("xz", lvl, image, partial);
            default -> throw new IllegalStateException(names.compression().toString());
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeAtomically(deployDir.resolve(names.checksum()), sha256(target) + "  " + target.getFileName() + "\n");
        return target;
    }

    void writeAtomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void pipe(String program, String level, Path image, Path out) throws CommandFailedException, InterruptedException {
        String threads = "xz".equals(program) ? " -T0" : "";
        runner.check(Command.of("bash", "-c", program + threads + " " + level + " -c \"$1\" > \"$2\"", program,
                image.toString(), out.toString()));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
