package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SecretMaskerTest {

    private final SecretMasker masker = new SecretMasker(List.of("raspberry", "p@ss w0rd!", ""));

    @Test
    void secretsStandingAloneAreMasked() {
        assertThat(masker.mask("pi:raspberry")).isEqualTo("pi:" + SecretMasker.MASK);
        assertThat(masker.mask("psk=\"p@ss w0rd!\"")).isEqualTo("psk=\"" + SecretMasker.MASK + "\"");
    }

    @Test
    void wordsThatMerelyContainASecretStay() {
        assertThat(masker.mask("hostname raspberrypi")).isEqualTo("hostname raspberrypi");
    }
}
