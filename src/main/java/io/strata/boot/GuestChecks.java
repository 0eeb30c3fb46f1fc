package io.strata.boot;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.strata.config.BuildConfig;

/** What the boot check asks of a logged-in system, each answer compared with the config. */
final class GuestChecks {

    private static final Duration SHORT = Duration.ofSeconds(60);

    private final GuestShell shell;
    private final BuildConfig config;
    private final Login login;
    private final boolean live;

    /** {@code live}: a live ISO, whose root is live-boot's overlay and which has no boot partition. */
    GuestChecks(GuestShell shell, BuildConfig config, Login login, boolean live) {
        this.shell = shell;
        this.config = config;
        this.login = login;
        this.live = live;
    }

    List<CheckResult> run() throws IOException, InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        // sudo first: it asks for the password once, and the checks after it use sudo -n.
        CheckResult sudo = sudo();
        Optional<String> seedHostname = Optional.empty();
        if (CloudInitChecks.wanted(config) && !live) {
            // Before the rest, so that cloud-init has finished (and printed what it prints) and set the host name.
            CloudInitChecks cloudInit = new CloudInitChecks(shell);
            results.addAll(cloudInit.run());
            seedHostname = cloudInit.seedHostname();
        }
        results.add(hostname(seedHostname));
        results.add(sudo);
        results.add(systemRunning());
        results.add(bootTime());
        results.add(locale());
        results.add(timezone());
        if (!ReadOnlyChecks.wanted(config) || live) {
            results.add(rootReadWrite());
        }
        results.add(live ? liveMedium() : bootMounted());
        results.add(sshListening());
        results.add(hostKeys());
        return results;
    }

    /** TARGET_HOSTNAME, or the host name the cloud-init seed's user-data sets. */
    private CheckResult hostname(Optional<String> seedHostname) throws IOException, InterruptedException {
        return expect("hostname", "hostname", seedHostname.orElse(config.hostname()));
    }

    private CheckResult sudo() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.runWithInput("sudo -S -p '' id -u", SHORT, login.password());
        if (reply.isEmpty()) {
            return CheckResult.fail("sudo", "sudo did not answer within " + SHORT.toSeconds() + " s");
        }
        if (!reply.get().succeeded() || !reply.get().output().endsWith("0")) {
            return CheckResult.fail("sudo", "sudo failed (exit " + reply.get().exitCode() + "): " + reply.get().output());
        }
        // Quieten the kernel on this console for the checks that follow (sudo remembers the password).
        shell.run("sudo -n dmesg -n 1", SHORT);
        return CheckResult.pass("sudo", login.user() + " becomes root with " + (live ? "LIVE_USER's" : "FIRST_USER_PASS")
                + (live ? " password" : ""));
    }

    private CheckResult systemRunning() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> state = shell.run("timeout 300 systemctl is-system-running --wait", Duration.ofSeconds(330));
        if (state.isEmpty()) {
            return CheckResult.fail("system running", "systemctl is-system-running did not answer within 330 s");
        }
        String answer = lastLine(state.get().output());
        if ("running".equals(answer)) {
            return CheckResult.pass("system running", "systemctl is-system-running: running");
        }
        String failed = shell.run("systemctl --failed --plain --no-legend --no-pager | cut -d' ' -f1 | tr '\\n' ' '",
                SHORT).map(GuestShell.Reply::output).orElse("?");
        if (failed.isBlank()) {
            return CheckResult.fail("system running", "systemctl is-system-running: " + answer);
        }
        // What the failed units said last, so the failure can be understood without booting again.
        // The units systemctl just named (only unit-name characters: the console may add escape junk).
        String units = java.util.Arrays.stream(failed.strip().split("\\s+")).filter(u -> u.matches("[\\w@.:\\\\-]+"))
                .map(u -> "-u '" + u + "'").collect(java.util.stream.Collectors.joining(" "));
        String said = units.isEmpty() ? "" : shell.run("sudo -n journalctl -b -o cat -n 60 --no-pager " + units
                + " | grep -vE '^(Starting|Stopped|Failed to start) |"
                + ": (Scheduled restart|Start request|Failed with result|Main process exited)' | tail -n 4"
                + " | tr '\\n' '|'", SHORT)
                .map(GuestShell.Reply::output).orElse("").strip();
        return CheckResult.fail("system running", "systemctl is-system-running: " + answer + "; failed units: "
                + failed.strip() + (said.isEmpty() ? "" : "; their journal ends: " + said));
    }

    /** How long this boot took, from systemd-analyze, and which units took longest. */
    private CheckResult bootTime() throws IOException, InterruptedException {
        String analyze = shell.run("systemd-analyze time --no-pager", SHORT).map(GuestShell.Reply::output).orElse("");
        Optional<BootTime> time = BootTime.parse(analyze.replaceAll("\\s+", " "));
        if (time.isEmpty()) {
            return CheckResult.fail("boot time", "systemd-analyze time: " + (analyze.isBlank() ? "no answer" : lastLine(analyze)));
        }
        String slowest = shell.run("systemd-analyze blame --no-pager | head -n 3 | tr -s ' ' | sed 's/^ //' | tr '\\n' ','",
                SHORT).map(GuestShell.Reply::output).orElse("").strip().replaceAll(",$", "").replace(",", ", ");
        return CheckResult.pass("boot time", time.get().describe() + (slowest.isEmpty() ? "" : "; slowest: " + slowest));
    }

    private CheckResult locale() throws IOException, InterruptedException {
        return expect("locale", "(. /etc/default/locale && echo \"$LANG\")", config.locale());
    }

    private CheckResult timezone() throws IOException, InterruptedException {
        return expect("timezone", "readlink /etc/localtime | sed 's|.*/zoneinfo/||'", config.timezone());
    }

    private CheckResult rootReadWrite() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.run("findmnt -n -o SOURCE,OPTIONS /", SHORT);
        String got = reply.map(GuestShell.Reply::output).orElse("");
        boolean rw = got.matches("(?s)\\S+\\s+rw(,.*)?");
        return rw ? CheckResult.pass("root read-write", got) : CheckResult.fail("root read-write", "findmnt /: " + got);
    }

    private CheckResult bootMounted() throws IOException, InterruptedException {
        String dir = config.bootDir();
        String fsType = config.bootFsType();
        Optional<GuestShell.Reply> reply = shell.run("findmnt -n -o SOURCE,FSTYPE " + dir, SHORT);
        String got = reply.map(GuestShell.Reply::output).orElse("");
        return got.endsWith(" " + fsType) || got.matches("(?s)\\S+\\s+" + fsType)
                ? CheckResult.pass("boot partition", dir + ": " + got.replaceAll("\\s+", " "))
                : CheckResult.fail("boot partition", dir + " is not mounted as " + fsType + (got.isBlank() ? "" : ": " + got));
    }

    /** A live system runs from its medium (live-boot mounts it at /run/live/medium) under a writable overlay. */
    private CheckResult liveMedium() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.run("findmnt -n -o FSTYPE /run/live/medium; findmnt -n -o FSTYPE /", SHORT);
        String got = reply.map(GuestShell.Reply::output).orElse("").replaceAll("\\s+", " ").strip();
        return got.equals("iso9660 overlay")
                ? CheckResult.pass("live medium", "/run/live/medium iso9660, / overlay")
                : CheckResult.fail("live medium", "expected the medium as iso9660 and / as overlay, found: " + got);
    }

    private CheckResult sshListening() throws IOException, InterruptedException {
        if (!config.ssh().enabled()) {
            return CheckResult.skip("sshd listening", "ENABLE_SSH=0");
        }
        // sshd is reloaded once the RSA host key is made after the boot: give it a moment to listen again.
        Optional<GuestShell.Reply> reply = shell.run("for i in $(seq 30); do ss -Hltn 'sport = :22' | grep ':22' && break;"
                + " sleep 1; done", SHORT);
        String got = reply.map(GuestShell.Reply::output).orElse("");
        return got.contains(":22")
                ? CheckResult.pass("sshd listening", "port 22")
                : CheckResult.fail("sshd listening", "nothing listens on port 22 although ENABLE_SSH=1");
    }

    /**
     * This machine's own SSH host keys, made on its first boot: Ed25519 and ECDSA before sshd starts,
     * RSA after the boot (given two minutes here).
     */
    private CheckResult hostKeys() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.run("if [ -d /etc/ssh ]; then for i in $(seq 60); do"
                + " [ -e /etc/ssh/ssh_host_rsa_key.pub ] && break; sleep 2; done;"
                + " ls /etc/ssh | sed -n 's/^ssh_host_\\(.*\\)_key\\.pub$/\\1/p' | sort | tr '\\n' ' '; else echo no-ssh; fi",
                Duration.ofSeconds(180));
        String got = reply.map(GuestShell.Reply::output).map(GuestChecks::lastLine).orElse("");
        if (got.equals("no-ssh")) {
            return CheckResult.skip("ssh host keys", "no OpenSSH in this image");
        }
        return got.equals("ecdsa ed25519 rsa")
                ? CheckResult.pass("ssh host keys", "made on first boot: " + got)
                : CheckResult.fail("ssh host keys", "expected ecdsa, ed25519 and rsa host keys within 2 min, found: "
                        + (got.isEmpty() ? "none" : got));
    }

    private CheckResult expect(String name, String command, String want) throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.run(command, SHORT);
        if (reply.isEmpty()) {
            return CheckResult.fail(name, "no answer within " + SHORT.toSeconds() + " s");
        }
        String got = lastLine(reply.get().output());
        return want.equals(got) ? CheckResult.pass(name, got)
                : CheckResult.fail(name, "expected " + want + ", found " + (got.isEmpty() ? "nothing" : got));
    }

    /** The last non-blank line of a command's output, stripped. */
    static String lastLine(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
