package io.strata.engine;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM during a build. The shutdown hook cancels and stops the running step; the build
 * thread, which owns the scope, sees the cancel at its next checkpoint (no new step starts, nothing is
 * sealed or exported after it), releases the scope once, and says so; the hook waits for that.
 */
public final class Cancellation {

    private volatile boolean cancelled;
    private final CountDownLatch released = new CountDownLatch(1);

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Stops the build here once it is cancelled: {@code next} (a step, sealing, an export) does not start. */
    void checkpoint(String stage, String next, java.nio.file.Path log) throws StepFailedException {
        if (cancelled) {
            throw new StepFailedException(stage, next, "interrupted (Ctrl-C or SIGTERM) before it started; "
                    + "nothing after the interrupt was sealed", log);
        }
    }

    /** The build thread has released everything it held. */
    public void markReleased() {
        released.countDown();
    }

    /** Waits for {@link #markReleased}; false when {@code limit} passed first. */
    public boolean awaitReleased(Duration limit) throws InterruptedException {
        return released.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }
}
