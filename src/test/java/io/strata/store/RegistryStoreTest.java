package io.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.strata.config.RegistryLocation;

/** The registry client's decisions that need no registry: what an upload's status says, where a login may go. */
class RegistryStoreTest {

    private static RegistryStore at(String url) {
        return new RegistryStore(RegistryLocation.parse(url).orElseThrow(), null, Map.of());
    }

    @Test
    void anUploadsRangeSaysHowManyBytesArrived() throws Exception {
        assertThat(RegistryStore.arrived("0-0", 0)).as("nothing yet").isZero();
        assertThat(RegistryStore.arrived("0-1023", 512)).isEqualTo(1024);
        assertThat(RegistryStore.arrived("bytes=0-4095", 4096)).isEqualTo(4096);
        assertThatThrownBy(() -> RegistryStore.arrived("10-20", 0)).isInstanceOf(IOException.class).hasMessageContaining("Range: 10-20");
    }

    @Test
    void onlyServerErrorsAndTooManyRequestsAreTriedAgain() {
        assertThat(RegistryStore.retryable(503)).isTrue();
        assertThat(RegistryStore.retryable(429)).isTrue();
        assertThat(RegistryStore.retryable(401)).isFalse();
        assertThat(RegistryStore.retryable(404)).isFalse();
    }

    @Test
    void aLoginGoesToATokenServiceOverHttpsOrOnThisMachineBesideALocalRegistry() {
        RegistryStore remote = at("oci://registry.example.org/stages");
        assertThat(remote.mayCarryLogin(URI.create("https://auth.example.org/token"))).isTrue();
        assertThat(remote.mayCarryLogin(URI.create("http://auth.example.org/token"))).isFalse();
        assertThat(remote.mayCarryLogin(URI.create("http://127.0.0.1:5001/token"))).as("a remote registry's realm on loopback").isFalse();

        RegistryStore local = at("oci://127.0.0.1:5000/stages");
        assertThat(local.mayCarryLogin(URI.create("http://127.0.0.1:5001/token"))).isTrue();
        assertThat(local.mayCarryLogin(URI.create("http://localhost/token"))).isTrue();
        assertThat(local.mayCarryLogin(URI.create("http://127.example.org/token"))).isFalse();
        assertThat(local.mayCarryLogin(URI.create("ftp://127.0.0.1/token"))).isFalse();
    }
}
