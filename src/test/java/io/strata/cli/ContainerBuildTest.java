package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.strata.config.Variable;
import io.strata.config.Variables;

/** build-docker.sh passes Strata's variables from its environment into the container: its list is Strata's. */
class ContainerBuildTest {

    @Test
    void buildDockerPassesEveryVariableStrataReads() throws Exception {
        String script = Files.readString(Path.of("build-docker.sh"));
        Matcher list = Pattern.compile("(?s)\nVARIABLES=\\(([^)]*)\\)").matcher(script);
        assertThat(list.find()).as("build-docker.sh holds VARIABLES=(...)").isTrue();
        List<String> passed = Arrays.stream(list.group(1).trim().split("\\s+")).toList();
        assertThat(passed).containsExactlyElementsOf(Variables.ALL.stream().map(Variable::name).toList());
    }
}
