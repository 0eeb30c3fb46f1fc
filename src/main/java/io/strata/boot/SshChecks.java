package io.strata.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.strata.config.BuildConfig;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.CommandResult;
import io.strata.exec.ProcessRunner;

/** SSH from the host into the guest, through QEMU's user network forwarded to a port on 127.0.0.1. */
final class SshChecks {

    private final ProcessRunner runner;
    private final BuildConfig config;
    private final int port;

    SshChecks(ProcessRunner runner, BuildConfig config, int port) {
        this.runner = runner;
        this.config = config;
        this.port = port;
    }

    List<CheckResult> run(Optional<Path> privateKey) throws InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        boolean ssh = config.ssh().enabled();
        boolean hasKey = config.ssh().hasFirstUserPubkey();
        if (!ssh || !hasKey) {
            results.add(CheckResult.skip("ssh key login", ssh ? "PUBKEY_SSH_FIRST_USER is not set" : "ENABLE_SSH=0"));
        } else if (privateKey.isEmpty()) {
            results.add(CheckResult.skip("ssh key login", "give the matching private key with --ssh-key FILE"));
        } else {
            results.add(keyLogin(privateKey.get()));
        }
        if (ssh && config.ssh().pubkeyOnly()) {
            results.add(passwordRefused());
        } else {
            results.add(CheckResult.skip("password login refused", "PUBKEY_ONLY_SSH=0"));
        }
        return results;
    }

    private CheckResult keyLogin(Path key) throws InterruptedException {
        CommandResult result = ssh(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "PreferredAuthentications=publickey"), "id -un");
        String user = config.firstUserName();
        if (result != null && result.succeeded() && result.stdout().strip().equals(user)) {
            return CheckResult.pass("ssh key login", user + "@127.0.0.1:" + port + " with " + key.getFileName());
        }
        return CheckResult.fail("ssh key login", "ssh with " + key + " failed: "
                + (result == null ? "could not run ssh" : String.join(" / ", result.tail())));
    }

    /** The server must not offer password authentication at all; no password is sent to find out. */
    private CheckResult passwordRefused() throws InterruptedException {
        CommandResult result = ssh(List.of("-v", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive"), "true");
        if (result == null) {
            return CheckResult.fail("password login refused", "could not run ssh");
        }
        String offered = result.tail().stream().filter(l -> l.contains("Authentications that can continue"))
                .findFirst().orElse("");
        if (!result.succeeded() && !offered.isEmpty() && !offered.contains("password")
                && !offered.contains("keyboard-interactive")) {
            return CheckResult.pass("password login refused", offered.replaceFirst(".*continue: ", "server offers only: "));
        }
        return CheckResult.fail("password login refused", "the server accepts passwords although PUBKEY_ONLY_SSH=1: "
                + (offered.isEmpty() ? "no answer" : offered));
    }

    private CommandResult ssh(List<String> options, String remote) throws InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30",
                "-o", "LogLevel=" + (options.contains("-v") ? "DEBUG1" : "ERROR")));
        argv.addAll(options);
        argv.add(config.firstUserName() + "@127.0.0.1");
        argv.add(remote);
        try {
            return runner.run(Command.of(argv).withTimeout(Duration.ofSeconds(90)));
        } catch (CommandFailedException e) {
            return null;
        }
    }
}
