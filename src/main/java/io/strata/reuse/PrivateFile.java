package io.strata.reuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A work dir's record or salt: written whole or not at all (under a hidden name, then renamed into
 * place), and readable by root only from its first byte, as it describes secrets.
 */
public final class PrivateFile {

    private PrivateFile() {
    }

    public static void write(Path file, byte[] content) throws IOException {
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(partial, content);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
