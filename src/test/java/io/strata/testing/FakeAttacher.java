package io.strata.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.strata.disk.Ledger;
import io.strata.disk.QcowAttacher;
import io.strata.disk.ResourceScope;

/**
 * An attacher for unit tests: hands out /dev/fake-N for each image it is given, held in the scope
 * (as a loop device) until the scope releases it; {@link #held()} counts what is still attached.
 */
public final class FakeAttacher implements QcowAttacher {

    private final List<Path> attached = new ArrayList<>();
    private int held;

    @Override
    public synchronized Path attach(Path qcow2, ResourceScope scope, boolean readOnly) {
        attached.add(qcow2);
        held++;
        Path device = Path.of("/dev/fake-" + attached.size());
        scope.hold(Ledger.Kind.LOOP, device.toString(), qcow2.toString(), this::release);
        return device;
    }

    private synchronized void release() {
        held--;
    }

    /** Every image attached so far, in order. */
    public synchronized List<Path> attached() {
        return List.copyOf(attached);
    }

    /** How many attached images the scope has not released yet. */
    public synchronized int held() {
        return held;
    }
}
