package io.strata.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.RegistryLocation;
import io.strata.disk.QcowChain;
import io.strata.exec.Command;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;
import io.strata.testing.FlakyFront;
import io.strata.testing.HostLeftovers;
import io.strata.testing.TestRegistry;
import io.strata.testing.TestTokenService;

/**
 * The stage store's registry half against a real registry (docker-registry on 127.0.0.1 with an
 * htpasswd login): two stages pushed, pushed again (skipped), pulled into an empty store and equal to
 * what was pushed; a wrong login, a tampered blob and a stopped registry each fail the pull with a
 * reason and nothing stored.
 */
@Tag("integration")
class RegistryStoreIT {

    private static final String PASSWORD = "Registry-Secret-31";
    private static final String KEY0 = "a".repeat(64);
    private static final String KEY1 = "b".repeat(64);

    @TempDir
    Path dir;
    private TestRegistry registry;
    private final SystemProcessRunner runner = new SystemProcessRunner(LineSink.DISCARD);

    @BeforeEach
    void startTheRegistry() throws Exception {
        HostLeftovers.assumeRootWith("docker-registry", "htpasswd", "openssl", "qemu-img", "qemu-io", "zstd");
        registry = TestRegistry.start(dir.resolve("registry"), PASSWORD);
    }

    @AfterEach
    void stopTheRegistry() throws Exception {
        registry.close();
    }

    private RegistryStore store(String password) throws Exception {
        Path login = registry.login(dir.resolve("docker-" + password), password);
        return new RegistryStore(RegistryLocation.parse(registry.url("strata/stages")).orElseThrow(), runner,
                Map.of("DOCKER_CONFIG", login.toString(), "HOME", dir.toString()));
    }

    private List<StoredStage> twoStoredStages(LocalStageStore local) throws Exception {
        Path base = dir.resolve("work/image-stage0.qcow2");
        Files.createDirectories(base.getParent());
        runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "8M"));
        runner.check(Command.of("qemu-io", "-f", "qcow2", "-c", "write -P 7 0 1M", base.toString()));
        Path child = dir.resolve("work/image-stage1.qcow2");
        runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", child.toString()));
        runner.check(Command.of("qemu-io", "-f", "qcow2", "-c", "write -P 9 2M 1M", child.toString()));
        Path done = Files.writeString(dir.resolve("work/done"), "key\n");
        StoredStage s0 = local.put(KEY0, "stage0", base, Optional.empty(), done, "first");
        StoredStage s1 = local.put(KEY1, "stage1", child, Optional.of(s0), done, "first");
        return List.of(s0, s1);
    }

    @Test
    void stagesPushedOnceArePulledIntoAnEmptyStoreWithTheirContent() throws Exception {
        LocalStageStore first = new LocalStageStore(dir.resolve("store-a"), runner);
        List<StoredStage> stored = twoStoredStages(first);
        RegistryStore remote = store(PASSWORD);
        for (StoredStage s : stored) {
            assertThat(remote.push(s, first.scratch("push").dir())).isTrue();
        }
        assertThat(remote.push(stored.get(1), first.scratch("push").dir())).as("the registry has it already").isFalse();
        assertThat(remote.has(KEY1)).isTrue();
        assertThat(remote.has("c".repeat(64))).isFalse();

        LocalStageStore second = new LocalStageStore(dir.resolve("store-b"), runner);
        List<String> progress = new ArrayList<>();
        StoredStage s0 = second.adopt(remote.pull(KEY0, second.scratch("pull0").dir(), progress::add).orElseThrow(), Optional.empty());
        StoredStage s1 = second.adopt(remote.pull(KEY1, second.scratch("pull1").dir(), progress::add).orElseThrow(), Optional.of(s0));
        assertThat(QcowChain.of(s1.layer())).containsExactly(s1.layer(), s0.layer());
        assertThat(second.intact(s1)).isTrue();
        assertThat(s1.builtFor()).isEqualTo("first");
        assertThat(runner.run(Command.of("qemu-img", "compare", "-q", stored.get(1).layer().toString(), s1.layer().toString()))
                .exitCode()).as("the pulled chain reads as the pushed one").isZero();
        assertThat(remote.pull("c".repeat(64), second.scratch("none").dir(), progress::add)).isEmpty();
    }

    /** Pushes the two stages through {@code remote}, pulls them into an empty store and compares the chain. */
    private void pushedAndPulledAlike(RegistryStore remote) throws Exception {
        LocalStageStore first = new LocalStageStore(dir.resolve("store-a"), runner);
        List<StoredStage> stored = twoStoredStages(first);
        for (StoredStage s : stored) {
            assertThat(remote.push(s, first.scratch("push").dir())).isTrue();
        }
        LocalStageStore second = new LocalStageStore(dir.resolve("store-b"), runner);
        StoredStage s0 = second.adopt(remote.pull(KEY0, second.scratch("pull0").dir(), line -> { }).orElseThrow(), Optional.empty());
        StoredStage s1 = second.adopt(remote.pull(KEY1, second.scratch("pull1").dir(), line -> { }).orElseThrow(), Optional.of(s0));
        assertThat(second.intact(s1)).isTrue();
        assertThat(runner.run(Command.of("qemu-img", "compare", "-q", stored.get(1).layer().toString(), s1.layer().toString()))
                .exitCode()).as("the pulled chain reads as the pushed one").isZero();
    }

    /**
     * A registry with Bearer authentication (token service on loopback, JWTs the registry verifies),
     * the login from a credential helper the Docker config names for the registry: the token service
     * sees the login, the registry never a password, and a client without it is refused.
     */
    @Test
    void aTokenRegistryIsLoggedIntoThroughTheCredentialHelper() throws Exception {
        registry.close();
        try (TestTokenService tokens = TestTokenService.start(dir.resolve("tokens"), TestRegistry.USER, PASSWORD)) {
            registry = TestRegistry.startWithTokens(dir.resolve("token-registry"), tokens);
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path helper = Files.writeString(bin.resolve("docker-credential-strata-it"), """
                    #!/bin/sh
                    read -r registry
                    [ "$registry" = "%s" ] || exit 1
                    printf '{"ServerURL": "%%s", "Username": "%s", "Secret": "%s"}\n' "$registry"
                    """.formatted(registry.hostPort(), TestRegistry.USER, PASSWORD));
            Files.setPosixFilePermissions(helper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path docker = Files.createDirectories(dir.resolve("docker-helper"));
            Files.writeString(docker.resolve("config.json"), "{\"credHelpers\": {\"" + registry.hostPort() + "\": \"strata-it\"}}\n");
            RegistryLocation location = RegistryLocation.parse(registry.url("strata/stages")).orElseThrow();
            RegistryStore remote = new RegistryStore(location, runner, Map.of("DOCKER_CONFIG", docker.toString(),
                    "HOME", dir.toString(), "PATH", bin + ":/usr/bin:/bin"));

            pushedAndPulledAlike(remote);
            assertThat(tokens.granted()).as("tokens given for the helper's login").isPositive();
            assertThat(tokens.refused()).isZero();

            RegistryStore anonymous = new RegistryStore(location, runner, Map.of("HOME", dir.resolve("nobody").toString()));
            assertThatThrownBy(() -> anonymous.has(KEY0)).hasMessageContaining("fetching a token failed");
            assertThat(tokens.refused()).isPositive();
            assertThat(Files.readString(dir.resolve("token-registry/registry.log"))).doesNotContain(PASSWORD);
        }
    }

    /**
     * Through a front that answers 503 to the first HEAD of every path, drops the first chunk, loses
     * the answer to the third and answers 502 to the first closing PUT (chunks of 64 bytes): the push
     * resumes or restarts each upload as the registry's status says, and what is pulled is what was
     * pushed.
     */
    @Test
    void aPushThroughAFlakyNetworkResumesItsUploadsAndPullsAlike() throws Exception {
        try (FlakyFront front = FlakyFront.start(registry.hostPort())) {
            Path docker = Files.createDirectories(dir.resolve("docker-front"));
            String auth = java.util.Base64.getEncoder().encodeToString((TestRegistry.USER + ":" + PASSWORD).getBytes());
            Files.writeString(docker.resolve("config.json"),
                    "{\"auths\": {\"" + front.hostPort() + "\": {\"auth\": \"" + auth + "\"}}}\n");
            RegistryStore remote = new RegistryStore(RegistryLocation.parse("oci://" + front.hostPort() + "/strata/stages").orElseThrow(),
                    runner, Map.of("DOCKER_CONFIG", docker.toString(), "HOME", dir.toString()),
                    new RegistryStore.Tuning(4, java.time.Duration.ofMillis(20), 64));
            pushedAndPulledAlike(remote);
            assertThat(front.faults()).as("every fault was met").contains("503 HEAD", "dropped PATCH", "lost answer PATCH", "502 PUT");
        }
    }

    @Test
    void aWrongLoginATamperedBlobAndAStoppedRegistryEachFailThePullSayingWhy() throws Exception {
        LocalStageStore first = new LocalStageStore(dir.resolve("store-a"), runner);
        StoredStage s0 = twoStoredStages(first).get(0);
        store(PASSWORD).push(s0, first.scratch("push").dir());
        LocalStageStore second = new LocalStageStore(dir.resolve("store-b"), runner);

        assertThatThrownBy(() -> store("wrong-password").pull(KEY0, second.scratch("p").dir(), line -> { }))
                .hasMessageContaining("the login was refused (HTTP 401)").hasMessageNotContaining("wrong-password");

        Path packed = Files.createTempFile(dir, "layer", ".zst");
        runner.check(Command.of("zstd", "-q", "-T0", "-3", "-c", s0.layer().toString()).withStdout(packed));
        Path blob = registry.blob(io.strata.reuse.Digests.ofFile(packed));
        assertThat(blob).exists();
        try (RandomAccessFile file = new RandomAccessFile(blob.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        assertThatThrownBy(() -> store(PASSWORD).pull(KEY0, second.scratch("p").dir(), line -> { }))
                .hasMessageContaining("does not match its digest");

        registry.stop();
        assertThatThrownBy(() -> store(PASSWORD).pull(KEY0, second.scratch("p").dir(), line -> { }))
                .isInstanceOf(java.io.IOException.class);
        assertThat(second.list()).as("nothing was stored from a failed pull").isEmpty();
    }
}
