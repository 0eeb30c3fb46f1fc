package io.strata.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Debian's control-file form (deb822), as dpkg's status file and an archive's Packages index hold it:
 * paragraphs of "Field: value" lines, separated by empty lines; a line that starts with a space or tab
 * continues the field before it. Read one paragraph at a time, so a Packages index of 60 000 entries
 * never sits in memory whole.
 */
public final class ControlParagraphs {

    private ControlParagraphs() {
    }

    /** Hands each paragraph of {@code reader} (field name to value, continuation lines joined by "\n") to {@code each}. */
    public static void read(BufferedReader reader, Consumer<Map<String, String>> each) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line = reader.readLine(); ; line = reader.readLine()) {
            if (line == null || line.isBlank()) {
                if (!fields.isEmpty()) {
                    each.accept(fields);
                    fields = new LinkedHashMap<>();
                }
                last = null;
                if (line == null) {
                    return;
                }
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                fields.merge(last, "\n" + line.strip(), String::concat);
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    last = line.substring(0, colon);
                    fields.put(last, line.substring(colon + 1).strip());
                }
            }
        }
    }

    /** Every paragraph of {@code text}. */
    public static List<Map<String, String>> parse(String text) {
        List<Map<String, String>> paragraphs = new ArrayList<>();
        try {
            read(new BufferedReader(new StringReader(text)), paragraphs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return paragraphs;
    }
}
