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

    int prune(List<PrunePlan.Entry> dropped) throws IOException {
        long freed = 0;
        for (PrunePlan.Entry e : dropped) {
            store.remove(e.stored());
            freed += e.stored().size();
            out.println("removed " + e.stored().key().substring(0, 12) + " " + e.stored().stage() + " (" + mib(e.stored().size())
                    + ", last used " + day(e.lastUsed()) + ")");
        }
        out.println("Pruned " + dropped.size() + " stage(s), " + mib(freed) + "; stages a work dir uses, and the stages "
                + "they build on, stay");
        return ExitCodes.OK;
    }

    int pruneTo(long maxBytes) throws IOException {
        return prune(PrunePlan.toFit(entries(), maxBytes));
    }

    int pruneOlder(int days) throws IOException {
        return prune(PrunePlan.olderThan(entries(), Duration.ofDays(days), Instant.now()));
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
