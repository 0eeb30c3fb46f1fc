package io.strata.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinfmtTest {

    @Test
    void theRegistrationIsTheRulesFirstLineThatIsNotAComment() {
        String rule = "# a comment\n\n:qemu-aarch64:M::\\x7f\\x45:\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF\n";
        assertThat(Binfmt.registration(rule)).isEqualTo(":qemu-aarch64:M::\\x7f\\x45:\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF");
    }
}
