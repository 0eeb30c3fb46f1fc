package io.strata.boot;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.strata.config.BuildConfig;

/**
 * What the boot check asks of a ROOTFS_RO=1 image: before a reboot, that the root is read-only while
 * /etc and /home take writes into the overlay tmpfs of the configured size; after it, that those
 * writes are gone and the device kept its own SSH host key.
 */
final class ReadOnlyChecks {

    private static final Duration SHORT = Duration.ofSeconds(60);
    static final String PROBE = "strata-read-only-probe";
    private static final String HOST_KEY = "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2";

    private final BuildConfig config;

    ReadOnlyChecks(BuildConfig config) {
        this.config = config;
    }

    static boolean wanted(BuildConfig config) {
        return config.readOnlyRoot().enabled();
    }

    List<CheckResult> beforeReboot(GuestShell shell) throws IOException, InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        String root = output(shell, "findmnt -n -o OPTIONS /; sudo -n touch /" + PROBE + " 2>&1 || true");
        results.add(root.startsWith("ro,") && root.contains("Read-only file system")
                ? CheckResult.pass("root read-only", "/ is mounted ro and refuses writes")
                : CheckResult.fail("root read-only", "expected / mounted ro and refusing writes: " + root.replace('\n', ' ')));
        String written = output(shell, "sudo -n sh -c 'echo etc > /etc/" + PROBE + "' && echo home > ~/" + PROBE
                + " && cat /etc/" + PROBE + " ~/" + PROBE + " && findmnt -n -o FSTYPE /etc && findmnt -n -o FSTYPE /home");
        results.add(written.replaceAll("\\s+", " ").equals("etc home overlay overlay")
                ? CheckResult.pass("overlay writable", "a file written under /etc and /home appears (overlayfs)")
                : CheckResult.fail("overlay writable", "writing under /etc and /home: " + written.replace('\n', ' ')));
        long want = config.readOnlyRoot().overlayKib();
        String options = output(shell, "findmnt -n -o FSTYPE,OPTIONS /run/strata-overlay");
        results.add(options.startsWith("tmpfs ") && options.matches("(?s).*\\bsize=" + want + "k\\b.*")
                ? CheckResult.pass("overlay size", "tmpfs of " + want + " KiB (ROOTFS_RO_OVERLAY_TMPFS_SIZE="
                        + config.readOnlyRoot().overlaySize() + ")")
                : CheckResult.fail("overlay size", "expected a tmpfs with size=" + want + "k at /run/strata-overlay, found: "
                        + (options.isEmpty() ? "nothing" : options)));
        return results;
    }

    /** The device's SSH host key fingerprint, or empty without SSH. */
    Optional<String> hostKey(GuestShell shell) throws IOException, InterruptedException {
        if (!config.ssh().enabled()) {
            return Optional.empty();
        }
        String got = output(shell, "for i in $(seq 30); do test -e /etc/ssh/ssh_host_ed25519_key.pub && break; sleep 2; done; "
                + HOST_KEY);
        return got.startsWith("SHA256:") ? Optional.of(got) : Optional.empty();
    }

    List<CheckResult> afterReboot(GuestShell shell, Optional<String> keyBefore) throws IOException, InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        String left = output(shell, "ls /etc/" + PROBE + " ~/" + PROBE + " 2>/dev/null | wc -l");
        results.add("0".equals(left) ? CheckResult.pass("changes gone", "after the reboot, the files under /etc and /home are gone")
                : CheckResult.fail("changes gone", left + " of the files written before the reboot are still there"));
        if (keyBefore.isPresent()) {
            Optional<String> keyAfter = hostKey(shell);
            results.add(keyBefore.equals(keyAfter)
                    ? CheckResult.pass("host key kept", "the device's own SSH host key " + keyBefore.get() + " survived the reboot")
                    : CheckResult.fail("host key kept", "the SSH host key changed across the reboot: " + keyBefore.get()
                            + " became " + keyAfter.orElse("nothing")));
        }
        return results;
    }

    private static String output(GuestShell shell, String command) throws IOException, InterruptedException {
        return shell.run(command, SHORT).map(GuestShell.Reply::output).orElse("(no answer within 60 s)").strip();
    }
}
