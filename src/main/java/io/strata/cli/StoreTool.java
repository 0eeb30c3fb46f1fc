package io.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;
import io.strata.lock.LockFile;
import io.strata.store.LocalStageStore;
import io.strata.store.PrunePlan;
import io.strata.store.StoredStage;

/** {@code imagetool --store}, {@code --prune SIZE} and {@code --prune-older DAYS}: the stage store, listed and pruned. */
final class StoreTool {

    private final LocalStageStore store;
    private final PrintWriter out;

    StoreTool(Path dir, PrintWriter out) {
        this.store = new LocalStageStore(dir, new SystemProcessRunner(LineSink.DISCARD));
        this.out = out;
    }

    int list() throws IOException {
        List<PrunePlan.Entry> entries = entries();
        out.println("Stage store " + store.dir() + ": " + entries.size() + " stage(s), "
                + mib(entries.stream().mapToLong(e -> e.stored().size()).sum()));
        out.printf("%-14s %-16s %10s  %-10s  %-10s  %s%n", "KEY", "STAGE", "SIZE", "BUILT", "LAST USE", "BUILT FOR / USED BY");
        for (PrunePlan.Entry e : entries) {
            StoredStage s = e.stored();
            out.printf("%-14s %-16s %10s  %-10s  %-10s  %s%n", s.key().substring(0, 12), s.stage(), mib(s.size()),
                    day(s.built()), day(e.lastUsed()), s.builtFor() + (e.inUse() ? " (in use by a work dir)" : ""));
        }
        return ExitCodes.OK;
    }

    /**
     * Holds the whole store (waiting while builds take, keep, pull or push), plans on what it holds then,
     * and removes each planned stage unless a build holds its key or a stage that stays builds on it.
     */
    private int prune(java.util.function.Function<List<PrunePlan.Entry>, List<PrunePlan.Entry>> plan)
            throws IOException, InterruptedException {
        long freed = 0;
        int removed = 0;
        try (LockFile all = store.exclusive(holder -> {
            out.println("waiting for the builds using the stage store to finish what they do with it (" + holder + ")");
            out.flush();
        })) {
            for (PrunePlan.Entry e : plan.apply(entries())) {
                String name = e.stored().key().substring(0, 12) + " " + e.stored().stage() + " (" + mib(e.stored().size());
                if (!store.removeIfIdle(e.stored())) {
                    out.println("kept " + name + "): a running build is making or taking it, or a stage that stays builds on it");
                    continue;
                }
                freed += e.stored().size();
                removed++;
                out.println("removed " + name + ", last used " + day(e.lastUsed()) + ")");
            }
        }
        out.println("Pruned " + removed + " stage(s), " + mib(freed) + "; stages a work dir or a running build uses, and the "
                + "stages they build on, stay");
        return ExitCodes.OK;
    }

    int pruneTo(long maxBytes) throws IOException, InterruptedException {
        return prune(entries -> PrunePlan.toFit(entries, maxBytes));
    }

    int pruneOlder(int days) throws IOException, InterruptedException {
        return prune(entries -> PrunePlan.olderThan(entries, Duration.ofDays(days), Instant.now()));
    }

    private List<PrunePlan.Entry> entries() throws IOException {
        List<PrunePlan.Entry> entries = new ArrayList<>();
        for (StoredStage s : store.list()) {
            entries.add(new PrunePlan.Entry(s, store.lastUsed(s), !store.liveUsers(s).isEmpty()));
        }
        return entries;
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static String day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
