package io.strata.reuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a finished stage (in its done marker) or export records about how it was made: its key and
 * each input's digest, so a later build can say what changed. A marker from before keys were kept
 * has no key: it is never taken as matching.
 */
public record KeyRecord(Optional<String> key, KeyInputs inputs, List<Path> files) {

    public KeyRecord {
        files = List.copyOf(files);
    }

    public static Optional<KeyRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String key = null;
            TreeMap<String, String> inputs = new TreeMap<>();
            List<Path> files = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("key ")) {
                    key = line.substring(4).trim();
                } else if (line.startsWith("file ")) {
                    files.add(Path.of(line.substring(5)));
                } else if (line.startsWith("input\t")) {
                    String[] parts = line.split("\t", 3);
                    if (parts.length == 3) {
                        inputs.put(parts[1], parts[2]);
                    }
                }
            }
            return Optional.of(new KeyRecord(Optional.ofNullable(key), new KeyInputs(inputs), files));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The record's text: when it was made, its key, the {@code files} it deployed (for an export), its inputs. */
    public static String render(KeyInputs inputs, Instant finished, Path... files) {
        StringBuilder text = new StringBuilder("finished ").append(finished).append('\n');
        text.append("key ").append(inputs.key()).append('\n');
        for (Path deployed : files) {
            text.append("file ").append(deployed.toAbsolutePath()).append('\n');
        }
        inputs.digests().forEach((name, digest) -> text.append("input\t").append(name).append('\t').append(digest).append('\n'));
        return text.toString();
    }

    /** Writes a record whole or not at all, readable by root only. */
    public static void write(Path file, KeyInputs inputs, Instant finished, Path... files) {
        try {
            PrivateFile.write(file, render(inputs, finished, files).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public boolean matches(KeyInputs current) {
        return key.map(current.key()::equals).orElse(false);
    }

    /** Whether the record names deployed files and every one of them is still there. */
    public boolean filesPresent() {
        return !files.isEmpty() && files.stream().allMatch(Files::isRegularFile);
    }
}
