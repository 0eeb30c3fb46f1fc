package io.strata.disk;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls for something the host does asynchronously (a socket or FUSE file appearing). */
final class Waits {

    private Waits() {
    }

    /** Polls {@code ready} every 50 ms; false when {@code limit} passed or {@code stillHopeful} turned false first. */
    static boolean until(BooleanSupplier ready, BooleanSupplier stillHopeful, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return true;
            }
            if (!stillHopeful.getAsBoolean()) {
                return ready.getAsBoolean();
            }
            Thread.sleep(50);
        }
        return ready.getAsBoolean();
    }
}
