package io.strata.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The shell pieces stage scripts use (helpers.sh, chroot-enter.sh, export-prepare.sh), written out of the jar into the work dir. */
public record RunTools(Path helpers, Path chrootEnter, Path exportPrepare) {

    public static RunTools install(Path runDir) {
        try {
            Files.createDirectories(runDir);
            return new RunTools(extract("helpers.sh", runDir), extract("chroot-enter.sh", runDir),
                    extract("export-prepare.sh", runDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Strata's helper scripts into " + runDir, e);
        }
    }

    private static Path extract(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
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
