package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.strata.testing.Host;

/**
 * Every shell file of the project (launchers, Strata's scripts, the stock stages, CI and bench) fails
 * loudly, with {@code set -euo pipefail} or a comment that says why it does not, and passes shellcheck
 * with nothing to report.
 */
@Tag("integration")
class ShellScriptsIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Set<String> OUTSIDE = Set.of("target", "work", "deploy", ".git", "docs");

    static List<Path> shellFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> all = Files.walk(REPO)) {
            for (Path file : all.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = REPO.relativize(file);
                if (OUTSIDE.contains(relative.getName(0).toString())) {
                    continue;
                }
                String name = file.getFileName().toString();
                if (name.endsWith(".sh") || (!name.contains(".") && startsLikeShell(file))) {
                    found.add(relative);
                }
            }
        }
        return found;
    }

    private static boolean startsLikeShell(Path file) throws IOException {
        byte[] start = new byte[40];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.read(start);
        }
        String head = n <= 0 ? "" : new String(start, 0, n, StandardCharsets.ISO_8859_1);
        return head.startsWith("#!") && head.lines().findFirst().orElse("").matches("#!.*\\b(ba)?sh\\b.*");
    }

    @Test
    void everyShellFileFailsLoudlyOrSaysWhyNot() throws Exception {
        List<Path> files = shellFiles();
        assertThat(files).as("the project's shell files").hasSizeGreaterThan(30)
                .contains(Path.of("build"), Path.of("src/main/resources/io/strata/engine/export-prepare.sh"));
        List<String> without = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(REPO.resolve(file), StandardCharsets.ISO_8859_1);
            if (!text.contains("set -euo pipefail") && !text.contains("No `set -e")) {
                without.add(file.toString());
            }
        }
        assertThat(without).as("shell files without set -euo pipefail or a reason").isEmpty();
    }

    @Test
    void shellcheckFindsNothing() throws Exception {
        Assumptions.assumeTrue(io.strata.exec.Programs.find("shellcheck").isPresent(),
                "shellcheck is not installed: apt-get install shellcheck (.ci/run does)");
        List<String> argv = new ArrayList<>(List.of("shellcheck", "-f", "gcc"));
        shellFiles().forEach(f -> argv.add(f.toString()));
        Host.Result check = Host.run(REPO, argv.toArray(String[]::new));
        assertThat(check.output()).as("shellcheck").isEmpty();
        assertThat(check.exitCode()).isZero();
    }
}
