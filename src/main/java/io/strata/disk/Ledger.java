package io.strata.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The on-disk record of everything a build has attached to the host: written the moment a resource
 * exists and rewritten (atomically) when it is released, so that the next build of the work dir can
 * release what a killed build left.
 */
public final class Ledger {

    /** What kind of host resource an entry is. */
    public enum Kind { PROCESS, FUSE, LOOP, NBD, MOUNT }

    /** One attached resource: its kind, what identifies it on the host, and what it is backed by. */
    public record Entry(Kind kind, String target, String detail) {
    }

    private final Path file;
    private final List<Entry> entries = new ArrayList<>();

    private Ledger(Path file, List<Entry> existing) {
        this.file = file;
        this.entries.addAll(existing);
    }

    /** Opens the ledger at {@code file}, keeping what an earlier, killed build recorded there. */
    public static Ledger open(Path file) {
        return new Ledger(file, read(file));
    }

    public Path file() {
        return file;
    }

    public synchronized Entry add(Kind kind, String target, String detail) {
        return add(new Entry(kind, target, detail));
    }

    public synchronized Entry add(Entry entry) {
        entries.add(entry);
        write();
        return entry;
    }

    public synchronized void remove(Entry entry) {
        if (entries.remove(entry)) {
            write();
        }
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public static List<Entry> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            List<Entry> result = new ArrayList<>();
            if (loaded instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> map) {
                        result.add(new Entry(Kind.valueOf(String.valueOf(map.get("kind"))),
                                String.valueOf(map.get("target")), String.valueOf(map.get("detail"))));
                    }
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the ledger " + file + " is damaged (" + e.getMessage()
                    + "): check `losetup -a` and /proc/mounts by hand, then delete it", e);
        }
    }

    private void write() {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Entry entry : entries) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("kind", entry.kind().name());
            row.put("target", entry.target());
            row.put("detail", entry.detail());
            rows.add(row);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, new Yaml(options).dump(rows), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ledger " + file, e);
        }
    }
}
