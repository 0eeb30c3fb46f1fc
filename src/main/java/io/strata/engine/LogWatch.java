package io.strata.engine;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Watches every line a build's commands print for signs of a fatal problem (a dpkg error, a full
 * disk, a failed kernel hook or initramfs, a missing package) and reports each on the console the
 * moment it appears, with the line, as livemedia-creator's log monitor does: a step that is going
 * to fail says why at once, not after a long wait. Each distinct line is reported once, at most
 * {@value #MAX_REPORTS} in a build.
 */
public final class LogWatch {

    static final int MAX_REPORTS = 20;

    private record Sign(String what, Pattern pattern) {
    }

    private static final List<Sign> SIGNS = List.of(
            new Sign("dpkg error", Pattern.compile("dpkg: error processing|Sub-process /usr/bin/dpkg returned an error")),
            new Sign("disk full", Pattern.compile("No space left on device")),
            new Sign("kernel hook failed", Pattern.compile("run-parts: /etc/kernel/\\S+ exited with return code [1-9]")),
            new Sign("initramfs failed", Pattern.compile("(update-initramfs|mkinitramfs): .*fail|(E|Error): mkinitramfs failure")),
            new Sign("package missing", Pattern.compile("(E|Error): (Unable to locate package|Package '.*' has no installation candidate)")),
            new Sign("out of memory", Pattern.compile("Cannot allocate memory|Out of memory")));

    private final PrintWriter console;
    private final Set<String> reported = new HashSet<>();

    public LogWatch(PrintWriter console) {
        this.console = console;
    }

    /** Looks at one line (already masked) and reports it if it shows a fatal problem. */
    public synchronized void check(String line) {
        if (reported.size() >= MAX_REPORTS) {
            return;
        }
        for (Sign sign : SIGNS) {
            if (sign.pattern().matcher(line).find() && reported.add(line)) {
                console.println("strata: watch: " + sign.what() + ": " + line.strip());
                console.flush();
                return;
            }
        }
    }
}
