package io.strata.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which stored stages a prune drops, least recently used first: never one a live work dir uses, and
 * never the base of a stage that stays (a layer is dropped only after every layer built on it).
 */
public final class PrunePlan {

    /** A stored stage as the prune sees it. */
    public record Entry(StoredStage stored, Instant lastUsed, boolean inUse) {
    }

    private PrunePlan() {
    }

    /** Drops until what stays takes at most {@code maxBytes}. */
    public static List<Entry> toFit(List<Entry> entries, long maxBytes) {
        long total = entries.stream().mapToLong(e -> e.stored().size()).sum();
        List<Entry> dropped = new ArrayList<>();
        Set<String> gone = new HashSet<>();
        boolean progress = true;
        while (total > maxBytes && progress) {
            progress = false;
            for (Entry entry : byAge(entries)) {
                if (total <= maxBytes) {
                    break;
                }
                if (droppable(entry, entries, gone)) {
                    dropped.add(entry);
                    gone.add(entry.stored().key());
                    total -= entry.stored().size();
                    progress = true;
                }
            }
        }
        return dropped;
    }

    /** Drops every stage not used for {@code age}. */
    public static List<Entry> olderThan(List<Entry> entries, Duration age, Instant now) {
        List<Entry> dropped = new ArrayList<>();
        Set<String> gone = new HashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Entry entry : byAge(entries)) {
                if (entry.lastUsed().isBefore(now.minus(age)) && droppable(entry, entries, gone)) {
                    dropped.add(entry);
                    gone.add(entry.stored().key());
                    progress = true;
                }
            }
        }
        return dropped;
    }

    private static boolean droppable(Entry entry, List<Entry> all, Set<String> gone) {
        String key = entry.stored().key();
        if (gone.contains(key) || entry.inUse()) {
            return false;
        }
        return all.stream().noneMatch(other -> !gone.contains(other.stored().key())
                && other.stored().baseKey().map(key::equals).orElse(false));
    }

    private static List<Entry> byAge(List<Entry> entries) {
        return entries.stream().sorted(Comparator.comparing(Entry::lastUsed)).toList();
    }
}
