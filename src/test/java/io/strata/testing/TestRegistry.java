package io.strata.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry on 127.0.0.1: Debian's docker-registry (the CNCF distribution registry), with
 * its storage and an htpasswd login in a directory of the test's, started and stopped by the test.
 */
public final class TestRegistry implements AutoCloseable {

    public static final String USER = "strata-ci";

    private final Path dir;
    private final int port;
    private Process process;

    private TestRegistry(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a registry that asks for {@link #USER} with {@code password}. */
    public static TestRegistry start(Path dir, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Host.output(dir, "htpasswd", "-B", "-b", "-c", dir.resolve("htpasswd").toString(), USER, password);
        return startWithAuth(dir, """
                  htpasswd:
                    realm: strata-it
                    path: %s
                """.formatted(dir.resolve("htpasswd")));
    }

    /** Starts a registry that takes the tokens of {@code tokens} (Bearer authentication) and nothing else. */
    public static TestRegistry startWithTokens(Path dir, TestTokenService tokens) throws IOException, InterruptedException {
        return startWithAuth(dir, """
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(tokens.realm(), TestTokenService.SERVICE, TestTokenService.ISSUER, tokens.certificate()));
    }

    private static TestRegistry startWithAuth(Path dir, String auth) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                auth:
                %s""".formatted(dir.resolve("storage"), port, auth));
        TestRegistry registry = new TestRegistry(dir, port);
        registry.restart();
        return registry;
    }

    /** Starts (again) the registry process on the same port and storage, and waits until it answers. */
    public void restart() throws IOException, InterruptedException {
        process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("docker-registry ended: " + Files.readString(dir.resolve("registry.log")));
                }
                Thread.sleep(100);
            }
        }
        throw new IOException("docker-registry did not answer on 127.0.0.1:" + port);
    }

    /** host:port of this registry. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The STAGE_STORE_URL of a repository in this registry. */
    public String url(String repository) {
        return "oci://127.0.0.1:" + port + "/" + repository;
    }

    /** A Docker config directory (for DOCKER_CONFIG) holding a login to this registry. */
    public Path login(Path configDir, String password) throws IOException {
        Files.createDirectories(configDir);
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(configDir.resolve("config.json"),
                "{\"auths\": {\"127.0.0.1:" + port + "\": {\"auth\": \"" + auth + "\"}}}\n");
        return configDir;
    }

    /** The file holding a blob, in the registry's filesystem storage. */
    public Path blob(String sha256) {
        return dir.resolve("storage/docker/registry/v2/blobs/sha256/" + sha256.substring(0, 2) + "/" + sha256 + "/data");
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
