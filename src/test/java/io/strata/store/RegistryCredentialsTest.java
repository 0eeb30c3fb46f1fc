package io.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a login comes from: the files in their order, and in a file credHelpers, then auths, then credsStore. */
class RegistryCredentialsTest {

    private static final String HOST = "registry.example.org:5000";

    @TempDir
    Path dir;
    private final List<String> asked = new ArrayList<>();

    /** A helper that answers with "NAME-user" for every registry, and records whom it was asked for. */
    private final RegistryCredentials.Helper helper = (name, hostPort) -> {
        asked.add(name + " " + hostPort);
        return Optional.of(new RegistryCredentials.Login(name + "-user", "from-" + name));
    };

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, String> dockerConfig(String json) throws IOException {
        Path config = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(config.resolve("config.json"), json);
        return Map.of("DOCKER_CONFIG", config.toString(), "HOME", dir.resolve("home").toString());
    }

    @Test
    void anAuthsEntryIsTheLoginAndNoHelperIsAsked() throws Exception {
        Map<String, String> env = dockerConfig("{\"auths\": {\"" + HOST + "\": {\"auth\": \"" + auth("ci", "pa:ss") + "\"}},"
                + " \"credsStore\": \"desktop\"}");
        assertThat(RegistryCredentials.forRegistry(HOST, env, helper)).contains(new RegistryCredentials.Login("ci", "pa:ss"));
        assertThat(asked).isEmpty();
    }

    @Test
    void theRegistrysOwnHelperComesBeforeItsAuthsEntry() throws Exception {
        Map<String, String> env = dockerConfig("{\"credHelpers\": {\"" + HOST + "\": \"ecr-login\"},"
                + " \"auths\": {\"" + HOST + "\": {\"auth\": \"" + auth("ci", "old") + "\"}}}");
        assertThat(RegistryCredentials.forRegistry(HOST, env, helper)).map(RegistryCredentials.Login::user).contains("ecr-login-user");
        assertThat(asked).containsExactly("ecr-login " + HOST);
    }

    @Test
    void theFilesStoreIsAskedWhenNoEntryNamesTheRegistry() throws Exception {
        Map<String, String> env = dockerConfig("{\"auths\": {\"other.example.org\": {\"auth\": \"" + auth("x", "y") + "\"}},"
                + " \"credsStore\": \"pass\"}");
        assertThat(RegistryCredentials.forRegistry(HOST, env, helper)).map(RegistryCredentials.Login::user).contains("pass-user");
        assertThat(asked).containsExactly("pass " + HOST);
    }

    @Test
    void podmansAuthFileComesFirstAndAnotherRegistrysLoginIsNeverUsed() throws Exception {
        Path podman = Files.writeString(dir.resolve("auth.json"),
                "{\"auths\": {\"https://" + HOST + "\": {\"auth\": \"" + auth("podman", "p") + "\"}}}");
        Map<String, String> env = new java.util.HashMap<>(dockerConfig(
                "{\"auths\": {\"" + HOST + "\": {\"auth\": \"" + auth("docker", "d") + "\"}}}"));
        env.put("REGISTRY_AUTH_FILE", podman.toString());
        assertThat(RegistryCredentials.forRegistry(HOST, env, helper)).map(RegistryCredentials.Login::user).contains("podman");
        assertThat(RegistryCredentials.forRegistry("elsewhere.example.org", env, helper)).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void aHelperNameThatIsNotOneIsRefusedNamingTheFile() throws Exception {
        Map<String, String> env = dockerConfig("{\"credsStore\": \"../../bin/sh -c id\"}");
        assertThatThrownBy(() -> RegistryCredentials.forRegistry(HOST, env, helper)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("docker/config.json").toString())
                .hasMessageContaining("'../../bin/sh -c id'");
        assertThat(asked).isEmpty();
    }

    @Test
    void aHelpersAnswerGivesUsernameAndSecret() throws Exception {
        assertThat(RegistryCredentials.parseHelperAnswer("{\"ServerURL\": \"" + HOST + "\", \"Username\": \"u\", \"Secret\": \"s\"}"))
                .contains(new RegistryCredentials.Login("u", "s"));
        assertThat(RegistryCredentials.parseHelperAnswer("{\"Username\": \"u\"}")).isEmpty();
        assertThat(new RegistryCredentials.Login("u", "s3cret").toString()).doesNotContain("s3cret");
    }
}
