package io.strata.boot;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the boot check asks of a graphical image (one that holds an X server): that its display
 * manager, if it has one, is active, and that X answers on the console. Runs as root through sudo,
 * which the sudo check has already unlocked.
 */
final class GraphicalChecks {

    private static final Duration SHORT = Duration.ofSeconds(60);
    /** How long X may take to come up after the system is running (a KDE login screen under TCG is slow). */
    static final int X_WAIT_SECONDS = 240;

    /**
     * Finds the X server (a process named Xorg), reads its authority file and display from its
     * command line, and asks it for its screen with xdpyinfo. Prints "display dimensions" on success.
     */
    private static final String ASK_X = String.join(" ",
            "sudo -n sh -c 'for i in $(seq %d); do for p in /proc/[0-9]*; do",
            "[ \"$(cat \"$p/comm\" 2>/dev/null)\" = Xorg ] || continue;",
            "args=$(tr \"\\000\" \" \" < \"$p/cmdline\");",
            "auth=$(printf \"%%s\\n\" \"$args\" | sed -n \"s/.* -auth \\([^ ]*\\).*/\\1/p\");",
            "disp=$(printf \"%%s\\n\" \"$args\" | grep -o \" :[0-9][0-9]*\" | head -n 1 | tr -d \" \");",
            "answer=$(XAUTHORITY=$auth xdpyinfo -display \"${disp:-:0}\" 2>/dev/null | grep -m 1 dimensions:)",
            "&& { echo \"${disp:-:0} $answer\"; exit 0; };",
            "done; sleep 2; done; exit 1'").formatted(X_WAIT_SECONDS / 2);

    private final GuestShell shell;

    GraphicalChecks(GuestShell shell) {
        this.shell = shell;
    }

    /** Whether the image holds an X server at all; the checks run only then. */
    boolean applies() throws IOException, InterruptedException {
        return shell.run("test -x /usr/lib/xorg/Xorg", SHORT).map(GuestShell.Reply::succeeded).orElse(false);
    }

    List<CheckResult> run() throws IOException, InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        results.add(displayManager());
        results.add(xAnswers());
        return results;
    }

    /**
     * Waits (up to 180 s) until what draws the login screen runs: a display manager's greeter
     * (lightdm-gtk-greeter, sddm-greeter) or, without one, the window manager of stage3a's session.
     */
    void awaitLoginScreen() throws IOException, InterruptedException {
        shell.run("for i in $(seq 90); do cat /proc/[0-9]*/comm 2>/dev/null | grep -q -e greeter -e '^dwm$' && break; "
                + "sleep 2; done", Duration.ofSeconds(200));
    }

    /**
     * For a screen that stayed blank: what the greeter, the window manager and X said last in the
     * journal, and whether the greeter still runs.
     */
    String whyBlank() throws IOException, InterruptedException {
        String said = shell.run("sudo -n journalctl -b -o cat --no-pager -n 6 _COMM=sddm-greeter _COMM=lightdm-gtk-gre "
                + "_COMM=Xorg _COMM=sddm _COMM=lightdm _COMM=dwm | tr '\\n' '|'; echo; "
                + "pgrep -l 'greeter|dwm' | tr '\\n' ' '", SHORT).map(GuestShell.Reply::output).orElse("").strip();
        return said.isEmpty() ? "" : "; the journal ends: " + said.replace('\n', ' ');
    }

    private CheckResult displayManager() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> unit = shell.run("test -e /etc/systemd/system/display-manager.service && "
                + "systemctl show -p Id --value display-manager.service", SHORT);
        if (unit.isEmpty() || !unit.get().succeeded()) {
            return CheckResult.skip("display manager", "none set (the image starts its X session itself)");
        }
        // The console also carries systemd's status lines: take the unit name, not the last line.
        java.util.regex.Matcher unitName = java.util.regex.Pattern.compile("[\\w@.-]+\\.service").matcher(unit.get().output());
        String name = unitName.find() ? unitName.group() : "display-manager.service";
        Optional<GuestShell.Reply> state = shell.run("for i in $(seq 60); do systemctl -q is-active display-manager.service "
                + "&& break; sleep 2; done; systemctl is-active display-manager.service", Duration.ofSeconds(150));
        String answer = state.map(r -> r.output().contains("inactive") ? "inactive" : r.output().contains("failed") ? "failed"
                : r.output().contains("active") ? "active" : GuestChecks.lastLine(r.output())).orElse("no answer");
        return "active".equals(answer) ? CheckResult.pass("display manager", name + " active")
                : CheckResult.fail("display manager", name + " is " + answer + " (journalctl -u " + name + " says why)");
    }

    private CheckResult xAnswers() throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.run(ASK_X, Duration.ofSeconds(X_WAIT_SECONDS + 60));
        if (reply.isPresent() && reply.get().succeeded()) {
            String got = GuestChecks.lastLine(reply.get().output()).replaceAll("\\s+", " ");
            return CheckResult.pass("X display", "X answers on " + got.replace(" dimensions:", ":"));
        }
        String why = shell.run("test -x /usr/bin/xdpyinfo || echo 'xdpyinfo (x11-utils) is not in the image'; "
                + "grep -h '(EE)' /var/log/Xorg.0.log ~/.local/share/xorg/Xorg.0.log 2>/dev/null | head -n 3",
                SHORT).map(GuestShell.Reply::output).orElse("").strip();
        return CheckResult.fail("X display", "no X server answered within " + X_WAIT_SECONDS + " s"
                + (why.isEmpty() ? "" : ": " + why.replace('\n', ' ')));
    }
}
