package io.strata.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One apt source (TEMP_REPO's line, already checked by {@link ValueChecks}): written one-line for
 * releases up to bookworm, and as a deb822 stanza for trixie, whose own sources are
 * {@code /etc/apt/sources.list.d/debian.sources}. Options keep their meaning: {@code [trusted=yes
 * arch=amd64,arm64 signed-by=/k.gpg]} becomes {@code Trusted: yes}, {@code Architectures: amd64 arm64},
 * {@code Signed-By: /k.gpg}.
 */
public record AptSource(String type, Map<String, String> options, String uri, String suite, List<String> components) {

    /** sources.list(5)'s option names and their deb822 field names. */
    private static final Map<String, String> FIELDS = Map.ofEntries(Map.entry("arch", "Architectures"),
            Map.entry("lang", "Languages"), Map.entry("target", "Targets"), Map.entry("pdiffs", "PDiffs"),
            Map.entry("by-hash", "By-Hash"), Map.entry("allow-insecure", "Allow-Insecure"),
            Map.entry("allow-weak", "Allow-Weak"), Map.entry("allow-downgrade-to-insecure", "Allow-Downgrade-To-Insecure"),
            Map.entry("trusted", "Trusted"), Map.entry("signed-by", "Signed-By"),
            Map.entry("check-valid-until", "Check-Valid-Until"), Map.entry("valid-until-min", "Valid-Until-Min"),
            Map.entry("valid-until-max", "Valid-Until-Max"), Map.entry("check-date", "Check-Date"),
            Map.entry("date-max-future", "Date-Max-Future"), Map.entry("inrelease-path", "InRelease-Path"),
            Map.entry("snapshot", "Snapshot"));

    public AptSource {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        components = List.copyOf(components);
    }

    /** Parses a checked one-line source, the word RELEASE in it standing for {@code release}. */
    public static AptSource parse(String line, String release) {
        String text = line.replace("RELEASE", release).strip();
        Map<String, String> options = new LinkedHashMap<>();
        int open = text.indexOf('[');
        String type = text.substring(0, text.indexOf(' '));
        String rest = text.substring(type.length()).strip();
        if (open >= 0) {
            int close = text.indexOf(']');
            for (String option : text.substring(open + 1, close).strip().split("\\s+")) {
                int eq = option.indexOf('=');
                options.put(option.substring(0, eq), option.substring(eq + 1));
            }
            rest = text.substring(close + 1).strip();
        }
        String[] words = rest.split("\\s+");
        List<String> components = new ArrayList<>(List.of(words).subList(2, words.length));
        return new AptSource(type, options, words[0], words[1], components);
    }

    /** sources.list's one-line form. */
    public String oneLine() {
        StringBuilder line = new StringBuilder(type);
        if (!options.isEmpty()) {
            line.append(" [");
            line.append(String.join(" ", options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            line.append(']');
        }
        line.append(' ').append(uri).append(' ').append(suite);
        components.forEach(c -> line.append(' ').append(c));
        return line.toString();
    }

    /** A deb822 stanza ({@code .sources} file): list values separated by spaces, as apt reads them. */
    public String deb822() {
        StringBuilder stanza = new StringBuilder();
        stanza.append("Types: ").append(type).append('\n');
        stanza.append("URIs: ").append(uri).append('\n');
        stanza.append("Suites: ").append(suite).append('\n');
        if (!components.isEmpty()) {
            stanza.append("Components: ").append(String.join(" ", components)).append('\n');
        }
        options.forEach((name, value) -> stanza.append(field(name)).append(": ").append(value.replace(',', ' ')).append('\n'));
        return stanza.toString();
    }

    private static String field(String option) {
        String known = FIELDS.get(option.toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        StringBuilder name = new StringBuilder();
        for (String part : option.split("-")) {
            name.append(name.length() == 0 ? "" : "-").append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }
}
