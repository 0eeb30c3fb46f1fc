package io.strata.reuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a finished stage (in its done marker) or export records about how it was made: its key and
 * each input's digest, so a later build can say what changed. A marker from before keys were kept
 * has no key: it is never taken as matching.
 */
public record KeyRecord(Optional<String> key, KeyInputs inputs) {

    public static Optional<KeyRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String key = null;
            TreeMap<String, String> inputs = new TreeMap<>();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("key ")) {
                    key = line.substring(4).trim();
                } else if (line.startsWith("input\t")) {
                    String[] parts = line.split("\t", 3);
                    if (parts.length == 3) {
                        inputs.put(parts[1], parts[2]);
                    }
                }
            }
            return Optional.of(new KeyRecord(Optional.ofNullable(key), new KeyInputs(inputs)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The record's text, with {@code extra} lines (such as the deployed file) after the key. */
    public static String render(KeyInputs inputs, Instant finished, String... extra) {
        StringBuilder text = new StringBuilder("finished ").append(finished).append('\n');
        text.append("key ").append(inputs.key()).append('\n');
        for (String line : extra) {
            text.append(line).append('\n');
        }
        inputs.digests().forEach((name, digest) -> text.append("input\t").append(name).append('\t').append(digest).append('\n'));
        return text.toString();
    }

    /** The values of the extra lines {@code NAME value} in a record file. */
    public static List<String> extras(Path file, String name) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(name + " "))
                    .map(l -> l.substring(name.length() + 1)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public boolean matches(KeyInputs current) {
        return key.map(current.key()::equals).orElse(false);
    }
}
