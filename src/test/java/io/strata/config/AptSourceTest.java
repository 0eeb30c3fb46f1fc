package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AptSourceTest {

    @Test
    void aLineWithOptionsBecomesADeb822StanzaWithTheSameMeaning() {
        AptSource source = AptSource.parse("deb [trusted=yes arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg] "
                + "http://apt.example.org/debian RELEASE main contrib", "trixie");
        assertThat(source.deb822()).isEqualTo("""
                Types: deb
                URIs: http://apt.example.org/debian
                Suites: trixie
                Components: main contrib
                Trusted: yes
                Architectures: amd64 arm64
                Signed-By: /usr/share/keyrings/x.gpg
                """);
        assertThat(source.oneLine()).isEqualTo("deb [trusted=yes arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg] "
                + "http://apt.example.org/debian trixie main contrib");
    }

    @Test
    void aPlainLineAndAFlatRepositoryKeepTheirWords() {
        assertThat(AptSource.parse("deb http://127.0.0.1:8080/repo bookworm main", "bookworm").oneLine())
                .isEqualTo("deb http://127.0.0.1:8080/repo bookworm main");
        assertThat(AptSource.parse("deb-src [check-valid-until=no] http://x.org/d ./", "trixie").deb822()).isEqualTo("""
                Types: deb-src
                URIs: http://x.org/d
                Suites: ./
                Check-Valid-Until: no
                """);
    }
}
