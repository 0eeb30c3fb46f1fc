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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A registry login the user already has: Docker's {@code config.json} ({@code $DOCKER_CONFIG} or
 * {@code ~/.docker}) or Podman's {@code auth.json} ({@code $REGISTRY_AUTH_FILE}, the runtime dir,
 * {@code ~/.config/containers}); never the build config. The first file naming the registry wins.
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

    private RegistryCredentials() {
    }

    static Optional<Login> forRegistry(String hostPort, Map<String, String> env) {
        for (Path file : files(env)) {
            Optional<Login> login = read(file, hostPort);
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

    private static Optional<Login> read(Path file, String hostPort) {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            JsonNode auths = new ObjectMapper().readTree(file.toFile()).path("auths");
            for (String name : List.of(hostPort, "http://" + hostPort, "https://" + hostPort)) {
                JsonNode entry = auths.path(name);
                String auth = entry.path("auth").asText("");
                if (!auth.isEmpty()) {
                    String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                    int colon = pair.indexOf(':');
                    if (colon > 0) {
                        return Optional.of(new Login(pair.substring(0, colon), pair.substring(colon + 1)));
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
