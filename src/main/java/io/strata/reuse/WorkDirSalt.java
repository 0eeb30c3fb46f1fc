package io.strata.reuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** The random salt secret digests are made with: DIR/key-salt of a work dir, or of the stage store. */
public final class WorkDirSalt {

    private static final int LENGTH = 32;

    private WorkDirSalt() {
    }

    /** The work dir's salt, made now if it has none and {@code create} is set (otherwise a throwaway one). */
    public static byte[] of(Path workDir, boolean create) {
        Path file = workDir.resolve("key-salt");
        try {
            if (Files.isReadable(file) && Files.size(file) == LENGTH) {
                return Files.readAllBytes(file);
            }
            byte[] salt = new byte[LENGTH];
            new SecureRandom().nextBytes(salt);
            if (create) {
                Files.createDirectories(workDir);
                PrivateFile.write(file, salt);
            }
            return salt;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the key salt in " + workDir, e);
        }
    }
}
