package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spdx.tools.SpdxToolsHelper;
import org.spdx.tools.Verify;

/**
 * The SBOM of a small root made here (a dpkg status file and copyright files, machine-readable or
 * not, behind symbolic links too): every installed package listed with its license and purl, and the
 * document accepted by SPDX's own validator (the SPDX 2.3 JSON schema, then the model's checks).
 */
class SbomTest {

    @TempDir
    Path root;

    @BeforeAll
    static void spdxUsesItsBundledLicenseList() {
        // No network here: the license list shipped in the SPDX library, not spdx.org's.
        System.setProperty("org.spdx.useJARLicenseInfoOnly", "true");
        System.setProperty("SPDXParser.OnlyUseLocalLicenses", "true");
        SpdxToolsHelper.initialize();
    }

    private void write(String path, String text) throws Exception {
        Path file = root.resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private List<DebPackage> anInstalledSystem(Path outside) throws Exception {
        write("/var/lib/dpkg/status", """
                Package: bash
                Status: install ok installed
                Priority: required
                Architecture: amd64
                Maintainer: Matthias Klose <doko@debian.org>
                Version: 5.2.15-2+b7
                Description: GNU Bourne Again SHell
                 Bash is an sh-compatible command language interpreter.

                Package: libssl3
                Status: install ok installed
                Architecture: amd64
                Multi-Arch: same
                Source: openssl
                Version: 3.0.15-1~deb12u1
                Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>

                Package: removed-one
                Status: deinstall ok config-files
                Architecture: all
                Version: 1.0

                Package: tzdata
                Status: install ok installed
                Architecture: all
                Source: tzdata (2024a-0+deb12u1)
                Version: 2024a-0+deb12u1
                Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>

                Package: odd
                Status: install ok installed
                Architecture: amd64
                Version: 1:2.0+dfsg-1
                """);
        write("/usr/share/doc/bash/copyright", """
                Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
                Upstream-Name: bash

                Files: *
                Copyright: 1987-2022 Free Software Foundation, Inc.
                License: GPL-3+

                Files: debian/*
                License: GPL-2+
                """);
        write("/usr/share/doc/openssl-common/copyright", """
                Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

                Files: *
                License: Apache-2.0 or Artistic
                """);
        Files.createDirectories(root.resolve("usr/share/doc"));
        Files.createSymbolicLink(root.resolve("usr/share/doc/libssl3"), Path.of("openssl-common"));
        write("/usr/share/doc/tzdata/copyright", """
                Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

                Files: *
                License: public-domain
                """);
        // An absolute link is the image's own path: it must be read inside the root, never on the host.
        Files.writeString(outside, "Format: copyright-format/1.0\n\nFiles: *\nLicense: GPL-2\n");
        Files.createDirectories(root.resolve("usr/share/doc/odd"));
        Files.createSymbolicLink(root.resolve("usr/share/doc/odd/copyright"), outside);
        return DpkgDatabase.installed(root);
    }

    @Test
    void everyInstalledPackageIsListedWithItsLicenseAndPurlAndSpdxAcceptsTheDocument(@TempDir Path host) throws Exception {
        List<DebPackage> packages = anInstalledSystem(host.resolve("host-copyright"));
        assertThat(packages).extracting(DebPackage::infoLine)
                .containsExactly("bash 5.2.15-2+b7", "libssl3 3.0.15-1~deb12u1", "odd 1:2.0+dfsg-1", "tzdata 2024a-0+deb12u1");
        assertThat(packages).extracting(DebPackage::debianLicense)
                .containsExactly("GPL-3+", "Apache-2.0 or Artistic", "", "public-domain");

        String json = Sbom.render("image_2026-12-04-it.img", "bookworm", packages, "0.1.0",
                Instant.parse("2026-12-04T20:00:00.123Z"), UUID.fromString("00000000-0000-4000-8000-000000000001"));
        assertThat(json).contains("\"spdxVersion\" : \"SPDX-2.3\"", "\"created\" : \"2026-12-04T20:00:00Z\"",
                "\"licenseDeclared\" : \"GPL-3.0-or-later\"", "\"licenseDeclared\" : \"Apache-2.0 OR Artistic-1.0-Perl\"",
                "\"licenseDeclared\" : \"LicenseRef-public-domain\"",
                "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=bookworm",
                "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=bookworm&upstream=openssl%403.0.15-1~deb12u1",
                "pkg:deb/debian/odd@1%3A2.0%2Bdfsg-1?arch=amd64",
                "\"supplier\" : \"Organization: Debian OpenSSL Team (pkg-openssl-devel@alioth-lists.debian.net)\"",
                "\"supplier\" : \"Person: Matthias Klose (doko@debian.org)\"",
                "built package from: openssl 3.0.15-1~deb12u1")
                .doesNotContain("removed-one", "GPL-2.0-only");

        Path file = host.resolve("image_2026-12-04-it.spdx.json");
        Files.writeString(file, json);
        assertThat(Verify.verify(file.toString(), SpdxToolsHelper.SerFileType.JSON)).as(json).isEmpty();
    }

    @Test
    void aBrokenDocumentIsCaughtByTheValidator(@TempDir Path host) throws Exception {
        String json = Sbom.render("image.img", "bookworm", anInstalledSystem(host.resolve("c")), "0.1.0", Instant.now(),
                UUID.randomUUID()).replaceFirst("\"filesAnalyzed\" : false", "\"filesAnalyzed\" : \"no\"");
        Path file = Files.writeString(host.resolve("broken.spdx.json"), json);
        assertThat(Verify.verify(file.toString(), SpdxToolsHelper.SerFileType.JSON)).isNotEmpty();
    }

    @Test
    void debianLicenseNamesBecomeSpdxExpressions() {
        assertThat(DebianLicenses.spdx("GPL-2+")).contains("GPL-2.0-or-later");
        assertThat(DebianLicenses.spdx("LGPL-2.1+ or GPL-3")).contains("LGPL-2.1-or-later OR GPL-3.0-only");
        assertThat(DebianLicenses.spdx("GPL-2+ with OpenSSL exception")).contains("LicenseRef-GPL-2-with-OpenSSL-exception");
        assertThat(DebianLicenses.spdx("or")).contains("LicenseRef-or");
        assertThat(DebianLicenses.spdx("")).isEmpty();
    }
}
