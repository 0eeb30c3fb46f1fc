package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class ImagetoolHelpTest {

    private final String help = new CommandLine(new ImagetoolCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

    @Test
    void mountShowsItsTwoParametersOnceInTheSynopsisAndOnceInTheOptions() {
        assertThat(help.split("IMAGE MOUNTPOINT", -1)).hasSize(3);
        assertThat(help).doesNotContain("IMAGE MOUNTPOINT IMAGE MOUNTPOINT", "[--mount");
    }

    @Test
    void theStackTraceHintItGivesIsAnOptionItHas() {
        assertThat(help).contains("--stacktrace");
    }
}
