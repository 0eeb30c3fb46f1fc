package io.strata.boot;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logged-in shell on the serial console. Each command is framed by markers the shell prints
 * (typed as {@code "@@STRATA""-END"}, so the echoed command line never matches them), which
 * delimit its output and carry its exit code.
 */
final class GuestShell {

    record Reply(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    static final class LoginFailedException extends Exception {
        LoginFailedException(String message) {
            super(message);
        }
    }

    private static final Pattern LOGIN = Pattern.compile("login: $", Pattern.MULTILINE);
    /** login's prompt is in the image's locale ("Password: ", "Passwort: ", "Mot de passe : "): a short line of words and a colon. */
    static final Pattern PASSWORD = Pattern.compile("^\\p{L}[\\p{L} ]{0,30}: $", Pattern.MULTILINE);
    private static final Pattern PROMPT = Pattern.compile("[$#] $", Pattern.MULTILINE);
    private static final Pattern EMERGENCY = Pattern.compile("You are in emergency mode|Cannot open access to console");
    private static final Pattern PANIC = Pattern.compile("Kernel panic - not syncing|Gave up waiting for root file system device");
    private static final Pattern FAILURE_LINE = Pattern.compile(
            "\\b(FAILED|Dependency failed|Timed out waiting|Gave up waiting|ALERT!|Kernel panic)");
    private static final Pattern KERNEL_LINE = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\] .*");
    private static final Pattern INCORRECT = Pattern.compile("Login incorrect");

    private final SerialConsole console;
    private int sequence;

    private GuestShell(SerialConsole console) {
        this.console = console;
    }

    /** Waits for the login prompt (up to {@code bootLimit}), then logs in. */
    static GuestShell login(SerialConsole console, String user, String password, Duration bootLimit)
            throws IOException, InterruptedException, LoginFailedException {
        int seen = console.awaitAny(List.of(LOGIN, EMERGENCY, PANIC), bootLimit);
        if (seen < 0) {
            throw new LoginFailedException((console.closed() ? "QEMU ended before a login prompt appeared"
                    : "no login prompt on the serial console within " + bootLimit.toSeconds() + " s") + whyNot(console));
        }
        if (seen == 1) {
            throw new LoginFailedException("the system stopped in emergency mode instead of offering a login" + whyNot(console));
        }
        if (seen == 2) {
            throw new LoginFailedException("the kernel panicked or found no root file system" + whyNot(console));
        }
        console.type(user);
        if (console.await(PASSWORD, Duration.ofSeconds(60)).isEmpty()) {
            throw new LoginFailedException("the console asked for no password after the user name " + user);
        }
        console.type(password);
        // login discards what is typed before the shell starts: wait for its prompt first.
        seen = console.awaitAny(List.of(PROMPT, INCORRECT), Duration.ofSeconds(120));
        if (seen != 0) {
            throw new LoginFailedException(seen < 0 ? "no shell prompt within 120 s after logging in as " + user
                    : "logging in as " + user + " with FIRST_USER_PASS failed (Login incorrect)");
        }
        GuestShell shell = new GuestShell(console);
        if (shell.run("stty -echo", Duration.ofSeconds(60)).isEmpty()) {
            throw new LoginFailedException("the shell of " + user + " did not run a command within 60 s");
        }
        return shell;
    }

    /** The kernel prints to the same console: its lines ("[   84.04] ...") are not the command's output. */
    static String withoutKernelMessages(String output) {
        return output.lines().filter(line -> !KERNEL_LINE.matcher(line).matches())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The console's failure lines (systemd's FAILED, dependency and time-out lines), as the reason a boot stopped. */
    private static String whyNot(SerialConsole console) {
        List<String> reasons = console.transcript().lines()
                .map(line -> line.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").strip())
                .filter(line -> FAILURE_LINE.matcher(line).find()).distinct().limit(8).toList();
        return reasons.isEmpty() ? "" : ": " + String.join("; ", reasons);
    }

    /** Runs {@code command} in the guest's shell; an empty result means it did not finish in time. */
    Optional<Reply> run(String command, Duration limit) throws IOException, InterruptedException {
        return runWithInput(command, limit, null);
    }

    /** As {@link #run}, typing {@code input} as the next line for the command to read (a password; never echoed). */
    Optional<Reply> runWithInput(String command, Duration limit, String input) throws IOException, InterruptedException {
        int id = ++sequence;
        String begin = "@@STRATA-BEGIN-" + id;
        console.type("echo \"@@STRATA\"\"-BEGIN-" + id + "\"; " + command + "; echo \"@@STRATA\"\"-END-" + id + ":$?\"");
        if (input != null) {
            console.type(input);
        }
        Pattern framed = Pattern.compile(Pattern.quote(begin) + "\n(.*?)@@STRATA-END-" + id + ":(\\d+)", Pattern.DOTALL);
        Optional<Matcher> match = console.await(framed, limit);
        return match.map(m -> new Reply(Integer.parseInt(m.group(2)), withoutKernelMessages(m.group(1)).strip()));
    }
}
