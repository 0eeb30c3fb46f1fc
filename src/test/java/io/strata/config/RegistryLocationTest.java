package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryLocationTest {

    @ParameterizedTest
    @CsvSource({
        "oci://localhost:5000/strata/stages, localhost:5000, true",
        "oci://127.0.0.1:5000/stages, 127.0.0.1:5000, true",
        "oci://127.1.2.3/stages, 127.1.2.3, true",
        "oci://[::1]:5000/stages, [::1]:5000, true",
        "oci://127.example.org/stages, 127.example.org, false",
        "oci://127.0.0.256:5000/stages, 127.0.0.256:5000, false",
        "oci://localhost.example.org/stages, localhost.example.org, false",
        "oci://registry.example.org:443/team/stages, registry.example.org:443, false",
    })
    void onlyThisMachineIsSpokenToOverPlainHttp(String url, String hostPort, boolean plain) {
        RegistryLocation location = RegistryLocation.parse(url).orElseThrow();
        assertThat(location.hostPort()).isEqualTo(hostPort);
        assertThat(location.plainHttp()).as(url).isEqualTo(plain);
        assertThat(location.uri("/tags/list").getScheme()).isEqualTo(plain ? "http" : "https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://registry.example.org/stages", "oci://registry.example.org", "oci://host/Upper",
        "oci://host/a//b", "oci://ho st/a"})
    void whatIsNotARegistryLocationIsRefused(String url) {
        assertThat(RegistryLocation.parse(url)).isEmpty();
    }
}
