package io.strata.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.exec.Programs;

/**
 * Docker's credential helper protocol: {@code docker-credential-NAME get}, the registry on its standard
 * input, a JSON login on its standard output. The program is looked up on the user's PATH; its answer
 * is read from the pipe and never reaches the build log.
 */
final class CredentialHelperProgram implements RegistryCredentials.Helper {

    private static final long LIMIT_SECONDS = 30;

    private final ProcessRunner runner;
    private final Map<String, String> env;

    CredentialHelperProgram(ProcessRunner runner, Map<String, String> env) {
        this.runner = runner;
        this.env = env;
    }

    @Override
    public Optional<RegistryCredentials.Login> get(String name, String hostPort) throws IOException, InterruptedException {
        String program = "docker-credential-" + name;
        Path path = Programs.onPath(program, env.getOrDefault("PATH", Programs.SYSTEM_PATH)).orElseThrow(() -> new IOException("the container login names the credential helper "
                + name + ", but " + program + " is not on PATH: install it, or log in again with docker login / podman login"));
        Process process;
        try {
            process = runner.startConversation(Command.of(path.toString(), "get").withEnv(env));
        } catch (CommandFailedException e) {
            throw new IOException(program + " did not start: " + e.getMessage(), e);
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write((hostPort + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException closedEarly) {
            // a helper that answers without reading (or has ended): its exit status and output tell
        }
        // Read beside the wait, so a helper that never ends (or never closes its output) meets the limit.
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream out = process.getInputStream()) {
                return out.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(program + " gave no answer within " + LIMIT_SECONDS + " s");
        }
        String answer = new String(output.join(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            return Optional.empty(); // "credentials not found": the helper has no login for this registry
        }
        try {
            return RegistryCredentials.parseHelperAnswer(answer);
        } catch (IOException notJson) {
            throw new IOException(program + " answered with something other than a login (not JSON)");
        }
    }
}
