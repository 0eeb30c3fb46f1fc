package io.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/** docker-credential-NAME get, run for real: the registry on stdin, a JSON login on stdout, nothing logged. */
class CredentialHelperProgramTest {

    @TempDir
    Path dir;

    private Map<String, String> pathWith(String name, String script) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path program = Files.writeString(bin.resolve("docker-credential-" + name), "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        return Map.of("PATH", bin + ":/usr/bin:/bin");
    }

    @Test
    void theHelperIsAskedForTheRegistryOnItsStandardInput() throws Exception {
        Map<String, String> env = pathWith("it", """
                [ "$1" = get ] || exit 3
                read -r registry
                printf '{"ServerURL": "%s", "Username": "user-for-%s", "Secret": "helper-secret"}\\n' "$registry" "$registry"
                """);
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        var helper = new CredentialHelperProgram(new SystemProcessRunner(logged::add), env);
        assertThat(helper.get("it", "127.0.0.1:5000")).contains(new RegistryCredentials.Login("user-for-127.0.0.1:5000", "helper-secret"));
        assertThat(String.join("\n", logged)).doesNotContain("helper-secret");
    }

    @Test
    void aHelperWithoutALoginForTheRegistryGivesNone() throws Exception {
        Map<String, String> env = pathWith("none", "echo 'credentials not found in native keychain'\nexit 1\n");
        assertThat(new CredentialHelperProgram(new SystemProcessRunner(LineSink.DISCARD), env).get("none", "r.example.org")).isEmpty();
    }

    @Test
    void aMissingHelperOrAnAnswerThatIsNoLoginIsAnErrorSayingWhat() throws Exception {
        Map<String, String> env = pathWith("garbled", "echo not json at all\n");
        var helper = new CredentialHelperProgram(new SystemProcessRunner(LineSink.DISCARD), env);
        assertThatThrownBy(() -> helper.get("absent", "r.example.org")).isInstanceOf(IOException.class)
                .hasMessageContaining("docker-credential-absent is not on PATH");
        assertThatThrownBy(() -> helper.get("garbled", "r.example.org")).isInstanceOf(IOException.class)
                .hasMessageContaining("not JSON");
    }
}
