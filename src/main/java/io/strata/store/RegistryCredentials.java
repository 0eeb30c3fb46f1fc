package io.strata.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A registry login the user already has: Docker's {@code config.json} ({@code $DOCKER_CONFIG} or
 * {@code ~/.docker}) or Podman's {@code auth.json} ({@code $REGISTRY_AUTH_FILE}, the runtime dir,
 * {@code ~/.config/containers}); never the build config. The first file naming the registry wins. In a
 * file, as Docker reads it: the registry's credential helper ({@code credHelpers}), then its entry in
 * {@code auths}, then the file's credential store ({@code credsStore}); a helper or store {@code X} is
 * the program {@code docker-credential-X} on the user's PATH, asked with {@code get}.
 */
final class RegistryCredentials {

    /** user:password, as HTTP Basic authentication sends it (never shown). */
    record Login(String user, String password) {
        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Login[" + user + "]";
        }
    }

    /** Asks credential helper {@code name} for its login to {@code hostPort}: empty when it has none. */
    @FunctionalInterface
    interface Helper {
        Optional<Login> get(String name, String hostPort) throws IOException, InterruptedException;
    }

    /** What a helper or store may be called: it becomes part of a program's name. */
    private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private RegistryCredentials() {
    }

    static Optional<Login> forRegistry(String hostPort, Map<String, String> env, Helper helper)
            throws IOException, InterruptedException {
        for (Path file : files(env)) {
            Optional<Login> login = read(file, hostPort, helper);
            if (login.isPresent()) {
                return login;
            }
        }
        return Optional.empty();
    }

    static List<Path> files(Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        List<Path> files = new ArrayList<>();
        Optional.ofNullable(env.get("REGISTRY_AUTH_FILE")).map(Path::of).ifPresent(files::add);
        Optional.ofNullable(env.get("DOCKER_CONFIG")).map(d -> Path.of(d, "config.json")).ifPresent(files::add);
        files.add(Path.of(home, ".docker", "config.json"));
        Optional.ofNullable(env.get("XDG_RUNTIME_DIR")).map(d -> Path.of(d, "containers", "auth.json")).ifPresent(files::add);
        files.add(Path.of("/run/containers/0/auth.json"));
        files.add(Path.of(home, ".config", "containers", "auth.json"));
        return files;
    }

    private static Optional<Login> read(Path file, String hostPort, Helper helper) throws IOException, InterruptedException {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(file.toFile());
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        List<String> names = List.of(hostPort, "http://" + hostPort, "https://" + hostPort);
        for (String name : names) {
            String own = config.path("credHelpers").path(name).asText("");
            if (!own.isEmpty()) {
                return helper.get(checked(own, file), hostPort);
            }
        }
        for (String name : names) {
            Optional<Login> login = decode(config.path("auths").path(name).path("auth").asText(""));
            if (login.isPresent()) {
                return login;
            }
        }
        String store = config.path("credsStore").asText("");
        return store.isEmpty() ? Optional.empty() : helper.get(checked(store, file), hostPort);
    }

    private static String checked(String helper, Path file) throws IOException {
        if (!HELPER_NAME.matcher(helper).matches()) {
            throw new IOException(file + " names the credential helper '" + helper
                    + "', which is not a helper's name (docker-credential-NAME: letters, digits, _ . -)");
        }
        return helper;
    }

    private static Optional<Login> decode(String auth) {
        try {
            String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 ? Optional.of(new Login(pair.substring(0, colon), pair.substring(colon + 1))) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** A helper's answer to {@code get}: {"ServerURL": ..., "Username": ..., "Secret": ...}. */
    static Optional<Login> parseHelperAnswer(String json) throws IOException {
        JsonNode answer = new ObjectMapper().readTree(json);
        String user = answer.path("Username").asText("");
        String secret = answer.path("Secret").asText("");
        return user.isEmpty() || secret.isEmpty() ? Optional.empty() : Optional.of(new Login(user, secret));
    }
}
