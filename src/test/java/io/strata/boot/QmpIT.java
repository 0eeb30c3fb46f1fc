package io.strata.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.testing.HostLeftovers;

/** A real QEMU, with no disk (SeaBIOS says so on its screen), screenshotted through its QMP socket. */
@Tag("integration")
class QmpIT {

    @TempDir
    Path dir;

    @Test
    void aScreendumpIsAPngOfTheScreenAndAnErrorIsSaid() throws Exception {
        HostLeftovers.assumeRootWith("qemu-system-x86_64");
        Path socket = dir.resolve("qmp.sock");
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-accel", "tcg", "-m", "64", "-display", "none",
                "-monitor", "none", "-serial", "none", "-qmp", Qmp.argument(socket)).redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(2000);
            Path png = dir.resolve("screen \"1\".png");
            try (Qmp qmp = Qmp.connect(socket)) {
                qmp.screendump(png);
                assertThatThrownBy(() -> qmp.screendump(dir.resolve("no/such/dir/x.png")))
                        .isInstanceOf(IOException.class).hasMessageContaining("QEMU refused");
            }
            try (InputStream in = Files.newInputStream(png)) {
                assertThat(in.readNBytes(4)).containsExactly(0x89, 'P', 'N', 'G');
            }
            assertThat(Files.size(png)).isGreaterThan(500);
        } finally {
            qemu.destroy();
            assertThat(qemu.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void jsonTextEscapesQuotesBackslashesAndControls() {
        assertThat(Qmp.jsonText("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\u000ad");
    }
}
