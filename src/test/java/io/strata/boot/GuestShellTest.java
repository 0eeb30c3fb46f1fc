package io.strata.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuestShellTest {

    @Test
    void kernelMessagesOnTheConsoleAreNotPartOfACommandsOutput() {
        String output = "[   84.041414] hrtimer: interrupt took 20579744 ns\n/dev/vda2 rw,noatime\n[ 1.5] x";

        assertThat(GuestShell.withoutKernelMessages(output)).isEqualTo("/dev/vda2 rw,noatime");
    }

    @Test
    void ordinaryOutputIsKept() {
        assertThat(GuestShell.withoutKernelMessages("running\n[not a kernel line]")).isEqualTo("running\n[not a kernel line]");
    }
}
