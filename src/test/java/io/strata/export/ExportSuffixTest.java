package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/** USE_QEMU's suffix rule, with EXPORT_IMAGE fragments sourced by bash as a build does. */
class ExportSuffixTest {

    @TempDir
    Path dir;

    private String suffix(String fragment, String useQemu) throws Exception {
        Path file = Files.writeString(dir.resolve("EXPORT_IMAGE"), fragment);
        String read = ExportSuffix.read(new SystemProcessRunner(LineSink.DISCARD), file, Map.of("USE_QEMU", useQemu));
        return ExportSuffix.forImage(read, "1".equals(useQemu));
    }

    @Test
    void useQemuAppendsTheSuffixOnce() throws Exception {
        assertThat(suffix("IMG_SUFFIX=\"-lite\"\n", "0")).isEqualTo("-lite");
        assertThat(suffix("IMG_SUFFIX=\"-lite\"\n", "1")).isEqualTo("-lite-qemu");
        assertThat(suffix("IMG_SUFFIX=\"\"\n", "1")).as("stage4's empty suffix").isEqualTo("-qemu");
    }

    @Test
    void aFragmentThatAddsQemuItselfDoesNotGetItTwice() throws Exception {
        String fork = """
                IMG_SUFFIX="-litex"
                if [ "${USE_QEMU}" = "1" ]; then
                	export IMG_SUFFIX="${IMG_SUFFIX}-qemu"
                fi
                """;
        assertThat(suffix(fork, "1")).isEqualTo("-litex-qemu");
        assertThat(suffix(fork, "0")).isEqualTo("-litex");
    }
}
