package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void theBuildLogNeverHoldsASecret(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("build.log");
        try (BuildLog log = BuildLog.open(file, masker, null)) {
            log.line("chpasswd pi:raspberry");
            log.note("step done");
        }
        String text = Files.readString(file);
        assertThat(text).doesNotContain("raspberry").contains("chpasswd pi:" + SecretMasker.MASK).contains("== step done");
        assertThat(text.lines()).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\| .*"));
    }

    @Test
    void packageListsDropCommentsAndSplitOnWhiteSpace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("00-packages"), "# base tools\nvim  less # pager\n\n\thtop\n");
        assertThat(PackageList.read(file)).containsExactly("vim", "less", "htop");
    }
}
