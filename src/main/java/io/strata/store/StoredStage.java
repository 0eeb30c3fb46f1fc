package io.strata.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One stage in the store: its qcow2 layer (backed by its base stage's layer in the same store), the
 * SHA-256 of that layer file, the stage's done record, and who built it when.
 */
public record StoredStage(String key, String stage, String builtFor, Instant built, Optional<String> baseKey,
        String layerSha256, long size, Path dir) {

    static final String LAYER = "layer.qcow2";
    static final String RECORD = "record";
    static final String DONE = "done";
    static final String USED = "last-used";

    public Path layer() {
        return dir.resolve(LAYER);
    }

    public Path doneRecord() {
        return dir.resolve(DONE);
    }

    /** The record file's text: one "name value" line each. */
    String render() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("stage", stage);
        fields.put("built-for", builtFor);
        fields.put("built", built.toString());
        fields.put("base", baseKey.orElse("none"));
        fields.put("layer-sha256", layerSha256);
        fields.put("size", Long.toString(size));
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
        return text.toString();
    }

    /** Reads a record file's text back; empty when a field is missing or malformed. */
    static Optional<StoredStage> parse(String text, Path dir) {
        Map<String, String> fields = new LinkedHashMap<>();
        text.lines().forEach(line -> {
            int space = line.indexOf(' ');
            if (space > 0) {
                fields.put(line.substring(0, space), line.substring(space + 1));
            }
        });
        try {
            String base = fields.get("base");
            return Optional.of(new StoredStage(fields.get("key"), fields.get("stage"), fields.get("built-for"),
                    Instant.parse(fields.get("built")), "none".equals(base) ? Optional.empty() : Optional.of(base),
                    fields.get("layer-sha256"), Long.parseLong(fields.get("size")), dir))
                    .filter(s -> s.key() != null && s.stage() != null && s.builtFor() != null && s.layerSha256() != null
                            && s.key().matches("[0-9a-f]{64}") && base != null);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
