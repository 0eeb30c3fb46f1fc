package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.reuse.Digests;

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
        writeAtomically(deployDir.resolve(names.checksum()), Digests.ofFile(target) + "  " + target.getFileName() + "\n");
        return target;
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void pipe(String program, String level, Path image, Path out) throws CommandFailedException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(program, level, "-c"));
        if ("xz".equals(program)) {
            argv.add(1, "-T0");
        }
        argv.add(image.toString());
        runner.check(Command.of(argv).withStdout(out));
    }
}
