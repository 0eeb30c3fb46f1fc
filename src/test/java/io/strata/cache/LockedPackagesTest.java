package io.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.strata.config.BadInputException;

/** A lock read back, a Packages index read, and where an archive keeps both. */
class LockedPackagesTest {

    private static final String HEADER = "# Strata package lock of image_2026-12-07-lite.img (Debian trixie, amd64): name, "
            + "version, architecture, SHA-256 of the .deb, archive (suite/component), the archive's priority and section\n";
    private static final String SHA = "ab".repeat(32);

    @Test
    void eachArchivePackageIsReadAndAPackageFromAFileIsLeftToItsStage() throws Exception {
        LockedPackages lock = LockedPackages.parse(HEADER
                + "libc6 2.41-12 amd64 " + SHA + " deb.debian.org/debian trixie/main optional libs\n"
                + "systemd 1:257.9-1~deb13u1 amd64 " + SHA + " security.debian.org/debian-security trixie-security/main - -\n"
                + "mine 1.0 amd64 - (in no archive list: installed from a file)\n", "PACKAGE_LOCK=x.lock");
        assertThat(lock.release()).isEqualTo("trixie");
        assertThat(lock.architecture()).isEqualTo("amd64");
        assertThat(lock.packages()).containsExactly(
                new LockedPackage("libc6", "2.41-12", "amd64", SHA, "deb.debian.org/debian trixie/main", "optional", "libs"),
                new LockedPackage("systemd", "1:257.9-1~deb13u1", "amd64", SHA,
                        "security.debian.org/debian-security trixie-security/main", "-", "-"));
        assertThat(lock.packages().get(1).debFileName()).isEqualTo("systemd_1%3a257.9-1~deb13u1_amd64.deb");
    }

    @Test
    void aFileThatIsNoLockOrALineThatIsNoEntryIsNamed() {
        assertThatThrownBy(() -> LockedPackages.parse("libc6 2.41 amd64\n", "PACKAGE_LOCK=x.lock"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("PACKAGE_LOCK=x.lock is not a Strata package lock");
        assertThatThrownBy(() -> LockedPackages.parse(HEADER + "libc6 2.41 amd64 " + SHA + " $(reboot) trixie/main - -\n"
                + "short line\n", "PACKAGE_LOCK=x.lock"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("line 2 is not \"NAME VERSION ARCH SHA256 HOST/PATH SUITE/COMPONENT PRIORITY SECTION\"")
                .hasMessageContaining("line 3");
        assertThatThrownBy(() -> LockedPackages.parse(HEADER, "PACKAGE_LOCK=x.lock"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("locks no package");
    }

    @Test
    void anIndexGivesEachPackagesPoolFileAndTheUrisFollowTheArchivesLayout() throws Exception {
        Map<String, ArchiveIndex.Pooled> pooled = ArchiveIndex.read(new BufferedReader(new StringReader("""
                Package: adduser
                Version: 3.152
                Architecture: all
                Description: add and remove users
                 continued: not a field
                Filename: pool/main/a/adduser/adduser_3.152_all.deb
                SHA256: %s

                Package: evil
                Version: 1
                Architecture: all
                Filename: ../../etc/passwd
                SHA256: %s
                """.formatted(SHA, SHA))));
        assertThat(pooled).containsOnlyKeys("adduser 3.152 all");
        assertThat(pooled.get("adduser 3.152 all").filename()).isEqualTo("pool/main/a/adduser/adduser_3.152_all.deb");
        assertThat(ArchiveIndex.indexUri("deb.debian.org/debian trixie/main", "arm64"))
                .isEqualTo(URI.create("http://deb.debian.org/debian/dists/trixie/main/binary-arm64/Packages.gz"));
        assertThat(ArchiveIndex.debUri("deb.debian.org/debian trixie/main", "pool/main/a/adduser/adduser_3.152_all.deb"))
                .isEqualTo(URI.create("http://deb.debian.org/debian/pool/main/a/adduser/adduser_3.152_all.deb"));
    }

    @Test
    void continuationLinesBelongToTheirFieldAndParagraphsEndAtBlankLines() {
        assertThat(ControlParagraphs.parse("A: 1\nB: two\n words\n\n\nA: 3\n")).containsExactly(
                Map.of("A", "1", "B", "two\nwords"), Map.of("A", "3"));
    }
}
