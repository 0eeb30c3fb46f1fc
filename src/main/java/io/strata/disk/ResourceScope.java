package io.strata.disk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds what a piece of work attached to the host and releases it in reverse order when closed,
 * whatever happened: on success, on failure, and from the shutdown hook on Ctrl-C or SIGTERM. Each
 * resource is in the ledger from the moment it exists until it is released.
 */
public final class ResourceScope implements AutoCloseable {

    /** Undoes one attachment. */
    @FunctionalInterface
    public interface Release {
        void run() throws Exception;
    }

    private record Held(Ledger.Entry entry, Release release) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ResourceScope.class);

    private final Ledger ledger;
    private final Deque<Held> held = new ArrayDeque<>();

    public ResourceScope(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Records a resource that now exists, with how to release it. */
    public synchronized void hold(Ledger.Kind kind, String target, String detail, Release release) {
        Ledger.Entry entry = new Ledger.Entry(kind, target, detail);
        // Held before the ledger is written: if writing fails (a full disk), the scope still releases it.
        held.push(new Held(entry, release));
        ledger.add(entry);
    }

    /** Releases the most recently held resources down to (not including) the first {@code keep}. */
    public synchronized void releaseAllBut(int keep) throws ReleaseException {
        List<String> failures = new ArrayList<>();
        while (held.size() > keep) {
            Held top = held.pop();
            try {
                top.release().run();
                forget(top.entry());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(describe(top) + ": interrupted");
            } catch (Exception e) {
                LOG.debug("release of {} failed", top.entry(), e);
                failures.add(describe(top) + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new ReleaseException(failures);
        }
    }

    public synchronized int size() {
        return held.size();
    }

    @Override
    public void close() throws ReleaseException {
        releaseAllBut(0);
    }

    /** Drops a released entry from the ledger; if the ledger cannot be written (a full disk), the release stands. */
    private void forget(Ledger.Entry entry) {
        try {
            ledger.remove(entry);
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("released {} but could not update the ledger: {}", entry, e.getMessage());
        }
    }

    private static String describe(Held held) {
        return held.entry().kind().name().toLowerCase(java.util.Locale.ROOT) + " " + held.entry().target();
    }
}
