package io.strata.reuse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a stage (or an export) was made from, each input by name with its digest: {@code file:PATH},
 * {@code var:NAME}, {@code previous}, {@code strata}. The key is the digest of them all.
 */
public record KeyInputs(SortedMap<String, String> digests) {

    public KeyInputs {
        digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
    }

    public String key() {
        StringBuilder all = new StringBuilder();
        digests.forEach((name, digest) -> all.append(name).append('\t').append(digest).append('\n'));
        return Digests.of(all.toString());
    }

    /** In words, what differs from {@code earlier}: at most {@code limit} inputs named, then how many more. */
    public String changesSince(KeyInputs earlier, int limit) {
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, String> input : digests.entrySet()) {
            String before = earlier.digests.get(input.getKey());
            if (before == null) {
                changes.add(describe(input.getKey()) + " is new");
            } else if (!before.equals(input.getValue())) {
                changes.add(describe(input.getKey()) + " changed");
            }
        }
        earlier.digests.keySet().stream().filter(name -> !digests.containsKey(name))
                .forEach(name -> changes.add(describe(name) + " is gone"));
        if (changes.isEmpty()) {
            return "its inputs are the same but its recorded key differs";
        }
        List<String> shown = changes.subList(0, Math.min(limit, changes.size()));
        String more = changes.size() > limit ? " and " + (changes.size() - limit) + " more" : "";
        return String.join(", ", shown) + more;
    }

    static String describe(String input) {
        if (input.startsWith("file:")) {
            return input.substring("file:".length());
        }
        if (input.startsWith("var:")) {
            return input.substring("var:".length());
        }
        return switch (input) {
            case "previous" -> "the stage before it";
            case "strata" -> "Strata (version or its scripts)";
            case "stage" -> "the stage image";
            default -> input;
        };
    }
}
