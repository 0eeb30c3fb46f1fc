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
        held.push(new Held(ledger.add(kind, target, detail), release));
    }

    /** Releases the most recently held resources down to (not including) the first {@code keep}. */
    public synchronized void releaseAllBut(int keep) throws ReleaseException {
        List<String> failures = new ArrayList<>();
        while (held.size() > keep) {
            Held top = held.pop();
            try {
                top.release().run();
                ledger.remove(top.entry());
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

    private static String describe(Held held) {
        return held.entry().kind().name().toLowerCase(java.util.Locale.ROOT) + " " + held.entry().target();
    }
}
