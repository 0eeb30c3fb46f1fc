package io.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/** The template of ./build --new, sourced by a real bash and validated, as written and with every default uncommented. */
class TemplateConfigTest {

    private static final Pattern COMMENTED = Pattern.compile("(?m)^#([A-Z0-9_]+)=(.+)$");

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(new SystemProcessRunner(LineSink.DISCARD));

    private RawConfig source(String text) throws Exception {
        Path file = Files.writeString(dir.resolve("template.cfg"), text);
        return loader.load(Optional.of(file), dir, Map.of(), Path.of("/opt/strata"), LocalDate.of(2026, 12, 2));
    }

    @Test
    void itNamesEveryVariableOnceWithItsMeaning() {
        String template = TemplateConfig.render();
        for (Variable variable : Variables.ALL) {
            assertThat(Pattern.compile("(?m)^#?" + variable.name() + "=").matcher(template).results().count())
                    .as(variable.name()).isEqualTo(1);
            assertThat(template).containsPattern("(?m)^# " + Pattern.quote(variable.meaning()) + "\n#?"
                    + variable.name() + "=");
        }
    }

    @Test
    void asWrittenItValidatesToTheDefaults() throws Exception {
        BuildConfig config = ConfigValidator.validate(source(TemplateConfig.render()));
        assertThat(config).isNotNull();
        RawConfig raw = source(TemplateConfig.render());
        assertThat(raw.get("IMG_NAME")).isEqualTo(TemplateConfig.IMG_NAME_EXAMPLE);
        assertThat(raw.get("TARGET_ARCH")).isEqualTo("arm64");
    }

    @Test
    void everyDefaultUncommentedReadsBackVerbatimAndValidates() throws Exception {
        String template = TemplateConfig.render();
        Matcher lines = COMMENTED.matcher(template);
        int uncommented = 0;
        while (lines.find()) {
            uncommented++;
        }
        String active = COMMENTED.matcher(template).replaceAll("$1=$2");
        RawConfig raw = source(active);
        ConfigValidator.validate(raw);
        assertThat(uncommented).as("variables with a written default")
                .isEqualTo(Variables.ALL.stream().filter(v -> v.defaultValue() != null).count());
        for (Variable variable : Variables.ALL) {
            if (variable.defaultValue() != null) {
                assertThat(raw.get(variable.name())).as(variable.name()).isEqualTo(variable.defaultValue());
            }
        }
    }

    @Test
    void aQuotedValueIsDataToBash() throws Exception {
        String tricky = "it's $HOME `id` \"x\" ; y";
        RawConfig raw = source("IMG_NAME=x\nTARGET_HOSTNAME=" + TemplateConfig.quoted(tricky) + "\n");
        assertThat(raw.get("TARGET_HOSTNAME")).isEqualTo(tricky);
    }
}
