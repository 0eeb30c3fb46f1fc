package io.strata.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.testing.LockHolder;

class LockFileTest {

    @TempDir
    Path dir;

    @Test
    void aLockIsHeldOnceInThisProcessAndFreeAgainWhenClosed() throws Exception {
        Path file = dir.resolve("a.lock");
        try (LockFile first = LockFile.tryAcquire(file, "first").orElseThrow()) {
            assertThat(LockFile.tryAcquire(file, "second")).isEmpty();
            assertThat(LockFile.isHeld(file)).isTrue();
            assertThat(LockFile.holder(file)).get().asString().startsWith("PID " + ProcessHandle.current().pid() + ", first");
        }
        assertThat(LockFile.isHeld(file)).isFalse();
        assertThat(LockFile.holder(file)).isEmpty();
        LockFile.tryAcquire(file, "again").orElseThrow().close();
    }

    @Test
    void anotherProcesssLockIsSeenWithItsPidAndGoesWithThatProcess() throws Exception {
        Path file = dir.resolve("b.lock");
        LockHolder other = LockHolder.start("lock", file.toString());
        try {
            assertThat(LockFile.tryAcquire(file, "mine")).isEmpty();
            assertThat(LockFile.isHeld(file)).isTrue();
            assertThat(LockFile.holder(file)).get().asString().startsWith("PID " + other.pid() + ", a test's other process");
        } finally {
            other.kill();
        }
        assertThat(LockFile.isHeld(file)).as("the kernel dropped the dead process's lock").isFalse();
        LockFile.tryAcquire(file, "mine").orElseThrow().close();
    }

    @Test
    void lookingAtALockThisProcessHoldsNeverDropsIt() throws Exception {
        Path file = dir.resolve("c.lock");
        try (LockFile mine = LockFile.tryAcquire(file, "mine").orElseThrow()) {
            for (int i = 0; i < 3; i++) {
                assertThat(LockFile.isHeld(file)).isTrue();
                assertThat(LockFile.holder(file)).isPresent();
            }
            // fcntl would drop the lock if this JVM closed another descriptor of the file: another process must still be refused
            assertThat(startHolderExpectingRefusal(file)).contains("not start");
        }
    }

    @Test
    void sharedHoldersExcludeAnExclusiveOneUntilTheLastGoes() throws Exception {
        Path file = dir.resolve("d.lock");
        LockFile.Shared one = LockFile.acquireShared(file, () -> { });
        LockFile.Shared two = LockFile.acquireShared(file, () -> { });
        LockHolder other = LockHolder.start("shared", file.toString());
        try {
            assertThat(LockFile.tryAcquire(file, "alone")).isEmpty();
            one.close();
            assertThat(LockFile.tryAcquire(file, "alone")).as("one shared holder is left here").isEmpty();
            two.close();
            assertThat(LockFile.tryAcquire(file, "alone")).as("the other process still shares it").isEmpty();
        } finally {
            other.kill();
        }
        LockFile.tryAcquire(file, "alone").orElseThrow().close();
    }

    @Test
    void aWaiterIsToldWhoHoldsTheLockAndGetsItWhenThatProcessDies() throws Exception {
        Path file = dir.resolve("e.lock");
        LockHolder other = LockHolder.start("lock", file.toString());
        List<String> told = new ArrayList<>();
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(500);
                other.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        try (LockFile got = LockFile.acquire(file, "waiter", told::add)) {
            assertThat(told).singleElement().asString().startsWith("PID " + other.pid());
        }
        killer.join();
    }

    private static String startHolderExpectingRefusal(Path file) {
        try (LockHolder holder = LockHolder.start("lock", file.toString())) {
            return "held by " + holder.pid();
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    @Test
    void noLockFileMeansNobodyHoldsIt() throws Exception {
        assertThat(LockFile.isHeld(dir.resolve("none.lock"))).isFalse();
        assertThat(Files.exists(dir.resolve("none.lock"))).isFalse();
        assertThat(LockFile.holder(dir.resolve("none.lock"))).isEqualTo(Optional.empty());
    }
}
