package io.strata.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.strata.config.Release;

/**
 * Whether this host's Debian archive keyring can verify a release: mmdebstrap checks the archive's
 * Release file with it, and a release newer than the keyring fails there, after a stage image exists.
 * Debian's keyring names each release's signing key in its user ID, "Debian Archive Automatic Signing
 * Key (13/trixie)", which stands in the keyring file as plain text.
 */
public final class ArchiveKeyring {

    public static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

    private ArchiveKeyring() {
    }

    /** What is wrong, when {@code keyring} exists and holds no key of {@code release}; empty when it verifies it (or is not installed yet). */
    public static Optional<String> problem(Release release, Path keyring) {
        if (!Files.isRegularFile(keyring)) {
            return Optional.empty(); // installed with the host tools before the build starts (depends)
        }
        try {
            String text = new String(Files.readAllBytes(keyring), StandardCharsets.ISO_8859_1);
            if (text.contains(release.archiveKeyName())) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.of("the Debian archive keyring " + keyring + " cannot be read: " + e.getMessage());
        }
        return Optional.of("RELEASE=" + release.codename() + ": this host's Debian archive keyring (" + keyring + ") has no key "
                + "for Debian " + release.version() + " " + release.archiveKeyName() + ", so mmdebstrap cannot verify its "
                + "archive: install a debian-archive-keyring that has it (Debian 12's 2023.3 or later: apt-get install "
                + "debian-archive-keyring), build in a container (./build-docker.sh), or pick an older RELEASE");
    }
}
