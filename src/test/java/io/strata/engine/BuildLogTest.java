package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.SecretMasker;

class BuildLogTest {

    private final SecretMasker masker = new SecretMasker(List.of("raspberry", "p@ss w0rd!", ""));

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
}
