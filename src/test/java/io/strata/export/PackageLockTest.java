package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock's lines: each installed package at its version, with its .deb's SHA-256 and archive from apt's lists. */
class PackageLockTest {

    @TempDir
    Path dir;

    private static DebPackage deb(String name, String version, String arch) {
        return new DebPackage(name, version, arch, name, version, "Maintainer", "", "GPL-2+");
    }

    @Test
    void eachInstalledPackageIsFoundInTheListsAtItsVersion() throws Exception {
        Path lists = Files.createDirectories(dir.resolve("lists"));
        Files.writeString(lists.resolve("deb.debian.org_debian_dists_trixie_main_binary-amd64_Packages"), """
                Package: adduser
                Version: 3.152
                Architecture: all
                Priority: important
                Section: admin
                Filename: pool/main/a/adduser/adduser_3.152_all.deb
                Description: add and remove users and groups
                 This package includes the 'adduser' and 'deluser' commands.
                SHA256: 1111111111111111111111111111111111111111111111111111111111111111

                Package: bash
                Version: 5.2.37-2
                Architecture: amd64
                SHA256: 2222222222222222222222222222222222222222222222222222222222222222
                """);
        Files.writeString(lists.resolve("deb.debian.org_debian-security_dists_trixie-security_main_binary-amd64_Packages"), """
                Package: bash
                Version: 5.2.37-2+deb13u1
                Architecture: amd64
                SHA256: 3333333333333333333333333333333333333333333333333333333333333333
                """);
        Files.writeString(lists.resolve("deb.debian.org_debian_dists_trixie_InRelease"), "not a list\n");
        Files.createSymbolicLink(lists.resolve("_run_strata_package-lock_._Packages"), dir.resolve("gone"));
        Map<String, io.strata.cache.LockedPackage> listed = PackageLock.read(lists);

        String lock = PackageLock.render("image_2026-12-07-lite.img", "trixie", "amd64",
                List.of(deb("bash", "5.2.37-2+deb13u1", "amd64"), deb("adduser", "3.152", "all"), deb("mine", "1.0", "amd64")),
                listed);
        assertThat(lock.lines().toList()).containsExactly(
                "# Strata package lock of image_2026-12-07-lite.img (Debian trixie, amd64): name, version, architecture, "
                        + "SHA-256 of the .deb, archive (suite/component), the archive's priority and section",
                "adduser 3.152 all 1111111111111111111111111111111111111111111111111111111111111111 deb.debian.org/debian "
                        + "trixie/main important admin",
                "bash 5.2.37-2+deb13u1 amd64 3333333333333333333333333333333333333333333333333333333333333333 "
                        + "deb.debian.org/debian-security trixie-security/main - -",
                "mine 1.0 amd64 - (in no archive list: installed from a file)");
    }

    @Test
    void whatALockSaysOfItsPackagesStandsForTheLockedRepositorysLists() {
        io.strata.cache.LockedPackage locked = new io.strata.cache.LockedPackage("bash", "5.2.37-2", "amd64",
                "4".repeat(64), "deb.debian.org/debian trixie/main", "required", "shells");
        Map<String, io.strata.cache.LockedPackage> merged = PackageLock.withLocked(Map.of(), List.of(locked));
        assertThat(PackageLock.render("i.img", "trixie", "amd64", List.of(deb("bash", "5.2.37-2", "amd64")), merged).lines())
                .contains("bash 5.2.37-2 amd64 " + "4".repeat(64) + " deb.debian.org/debian trixie/main required shells");
    }

    @Test
    void noListsDirectoryLocksEveryPackageAsFromAFile() throws Exception {
        assertThat(PackageLock.read(dir.resolve("none"))).isEmpty();
    }
}
