package io.strata.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BootTimeTest {

    @Test
    void readsKernelAndUserspaceFromSystemdAnalyze() {
        BootTime time = BootTime.parse("Startup finished in 16.104s (kernel) + 38.712s (userspace) = 54.816s\n"
                + "multi-user.target reached after 38.650s in userspace.").orElseThrow();

        assertThat(time.kernel()).isCloseTo(16.104, within(1e-9));
        assertThat(time.userspace()).isCloseTo(38.712, within(1e-9));
        assertThat(time.describe()).isEqualTo("kernel 16.1 s, userspace 38.7 s");
    }

    @Test
    void readsMinutesAndTheUefiPhases() {
        BootTime time = BootTime.parse("Startup finished in 2.001s (firmware) + 512ms (loader) + 21.5s (kernel)"
                + " + 1min 4.250s (userspace) = 1min 28.263s").orElseThrow();

        assertThat(time.phases()).containsKeys("firmware", "loader");
        assertThat(time.phases().get("loader")).isCloseTo(0.512, within(1e-9));
        assertThat(time.userspace()).isCloseTo(64.25, within(1e-9));
    }

    @Test
    void aBootNotFinishedHasNoTime() {
        assertThat(BootTime.parse("Bootup is not yet finished (org.freedesktop.systemd1.Manager.FinishTimestampMonotonic=0).")).isEmpty();
        assertThat(BootTime.parse("")).isEmpty();
    }
}
