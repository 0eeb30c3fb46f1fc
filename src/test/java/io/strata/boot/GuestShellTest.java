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
    void thePasswordPromptIsFoundInTheImagesLanguage() {
        for (String prompt : new String[] {"tester\r\nPassword: ", "tester\r\nPasswort: ", "tester\r\nMot de passe : "}) {
            assertThat(GuestShell.PASSWORD.matcher(prompt).find()).as(prompt).isTrue();
        }
        assertThat(GuestShell.PASSWORD.matcher("[   54.04] systemd-ssh-generator[231]: ").find()).isFalse();
        assertThat(GuestShell.PASSWORD.matcher("tester\r\n").find()).isFalse();
    }

    @Test
    void ordinaryOutputIsKept() {
        assertThat(GuestShell.withoutKernelMessages("running\n[not a kernel line]")).isEqualTo("running\n[not a kernel line]");
    }
}
