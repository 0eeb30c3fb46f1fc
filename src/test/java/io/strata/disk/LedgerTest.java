package io.strata.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path dir;

    @Test
    void entriesAreOnDiskFromTheMomentTheyExistUntilReleased() {
        Path file = dir.resolve("ledger.yaml");
        Ledger ledger = Ledger.open(file);
        Ledger.Entry loop = ledger.add(Ledger.Kind.LOOP, "/dev/loop3", "/work/x/disk");
        ledger.add(Ledger.Kind.MOUNT, "/work/x/rootfs", "/dev/loop3");
        assertThat(Ledger.read(file)).extracting(Ledger.Entry::target).containsExactly("/dev/loop3", "/work/x/rootfs");
        ledger.remove(loop);
        assertThat(Ledger.open(file).entries()).extracting(Ledger.Entry::kind).containsExactly(Ledger.Kind.MOUNT);
    }

    @Test
    void aScopeReleasesInReverseOrderAndForgetsWhatItReleased() throws Exception {
        Ledger ledger = Ledger.open(dir.resolve("ledger.yaml"));
        List<String> order = new ArrayList<>();
        try (ResourceScope scope = new ResourceScope(ledger)) {
            scope.hold(Ledger.Kind.PROCESS, "1", "server", () -> order.add("server"));
            scope.hold(Ledger.Kind.LOOP, "/dev/loop0", "file", () -> order.add("loop"));
            scope.hold(Ledger.Kind.MOUNT, "/mnt", "/dev/loop0", () -> order.add("mount"));
            scope.releaseAllBut(2);
            assertThat(order).containsExactly("mount");
        }
        assertThat(order).containsExactly("mount", "loop", "server");
        assertThat(ledger.entries()).isEmpty();
    }

    @Test
    void whatCannotBeReleasedStaysInTheLedgerAndTheRestIsStillReleased() {
        Ledger ledger = Ledger.open(dir.resolve("ledger.yaml"));
        List<String> order = new ArrayList<>();
        ResourceScope scope = new ResourceScope(ledger);
        scope.hold(Ledger.Kind.PROCESS, "1", "server", () -> order.add("server"));
        scope.hold(Ledger.Kind.MOUNT, "/busy", "dev", () -> {
            throw new IllegalStateException("target is busy");
        });
        assertThatThrownBy(scope::close).isInstanceOf(ReleaseException.class)
                .hasMessageContaining("/busy: target is busy").hasMessageContaining("the next build of this work dir releases them");
        assertThat(order).containsExactly("server");
        assertThat(ledger.entries()).extracting(Ledger.Entry::target).containsExactly("/busy");
    }

    @Test
    void aDamagedLedgerSaysWhatToDo() throws Exception {
        Path file = Files.writeString(dir.resolve("ledger.yaml"), "- kind: NOPE\n");
        assertThatThrownBy(() -> Ledger.read(file)).hasMessageContaining("is damaged");
    }

    @Test
    void mountTableEscapesAreDecoded() {
        assertThat(HostMounts.unescape("/work/a\\040b")).isEqualTo("/work/a b");
    }
}
