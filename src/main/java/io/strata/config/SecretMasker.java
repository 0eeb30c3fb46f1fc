package io.strata.config;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Hides secret values (FIRST_USER_PASS, WPA_PASSWORD) in text bound for a log. A value is hidden
 * where it stands on its own, not inside a longer word, so the password "raspberry" does not mangle
 * the host name "raspberrypi".
 */
public final class SecretMasker {

    public static final String MASK = "********";

    private final List<Pattern> patterns;

    public SecretMasker(List<String> secrets) {
        this.patterns = secrets.stream().filter(s -> !s.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(s -> Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(s) + "(?![A-Za-z0-9])"))
                .toList();
    }

    public String mask(String text) {
        String masked = text;
        for (Pattern pattern : patterns) {
            masked = pattern.matcher(masked).replaceAll(MASK);
        }
        return masked;
    }
}
