package io.strata.boot;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * systemd-analyze's "Startup finished in 16.1s (kernel) + 38.7s (userspace) = 54.8s" read into
 * seconds per phase (firmware and loader too, where UEFI reports them).
 */
record BootTime(Map<String, Double> phases) {

    private static final Pattern FINISHED = Pattern.compile("Startup finished in (.+?) = ");
    private static final Pattern PHASE = Pattern.compile("((?:\\d+(?:\\.\\d+)?(?:min|ms|us|h|s)\\s*)+)\\((\\w+)\\)");
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)(min|ms|us|h|s)");

    static Optional<BootTime> parse(String analyze) {
        Matcher finished = FINISHED.matcher(analyze);
        if (!finished.find()) {
            return Optional.empty();
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        Matcher phase = PHASE.matcher(finished.group(1));
        while (phase.find()) {
            phases.put(phase.group(2), seconds(phase.group(1)));
        }
        return phases.containsKey("kernel") && phases.containsKey("userspace")
                ? Optional.of(new BootTime(Map.copyOf(phases))) : Optional.empty();
    }

    double kernel() {
        return phases.get("kernel");
    }

    double userspace() {
        return phases.get("userspace");
    }

    String describe() {
        return String.format(Locale.ROOT, "kernel %.1f s, userspace %.1f s", kernel(), userspace());
    }

    /** "1min 2.5s" → 62.5. */
    static double seconds(String amount) {
        double total = 0;
        Matcher part = AMOUNT.matcher(amount);
        while (part.find()) {
            double value = Double.parseDouble(part.group(1));
            total += switch (part.group(2)) {
                case "h" -> value * 3600;
                case "min" -> value * 60;
                case "ms" -> value / 1000;
                case "us" -> value / 1_000_000;
                default -> value;
            };
        }
        return total;
    }
}
