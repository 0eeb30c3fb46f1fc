package io.strata.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.SystemProcessRunner;
import io.strata.testing.HostLeftovers;

/** Stage images over the real attach path: qemu-img, qemu-nbd (or kernel nbd), loop, ext4, mount. */
@Tag("integration")
class QcowChainIT {

    @TempDir
    Path work;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final DiskTools tools = new DiskTools(new SystemProcessRunner(log::add));

    @Test
    void aBackedStageSeesItsBaseAndItsOwnWritesStayInIt() throws Exception {
        Path root0 = Files.createDirectories(work.resolve("stage0/rootfs"));
        Path root1 = Files.createDirectories(work.resolve("stage1/rootfs"));
        writeBaseImage(root0, "from-stage0", "zero");

        tools.createQcow2(stage1, 0, Optional.of(stage0));
        try (ResourceScope scope = new ResourceScope(ledger)) {
            tools.mount(attacher.attach(stage1, scope), root1, scope);
            assertThat(root1.resolve("from-stage0")).hasContent("zero");
            Files.writeString(root1.resolve("from-stage1"), "one");
        }
        try (ResourceScope scope = new ResourceScope(ledger)) {
            tools.mount(attacher.attach(stage1, scope), root1, scope);
            assertThat(root1.resolve("from-stage0")).hasContent("zero");
            assertThat(root1.resolve("from-stage1")).hasContent("one");
        }
        try (ResourceScope scope = new ResourceScope(ledger)) {
            tools.mount(attacher.attach(stage0, scope), root0, scope);
            assertThat(root0.resolve("from-stage1")).doesNotExist();
        }
        assertThat(HostLeftovers.below(work)).isEmpty();
        assertThat(ledger.entries()).isEmpty();
    }

    @Test
    void theBaseImageStaysByteIdenticalWhileItsChildIsWritten() throws Exception {
        Path root = Files.createDirectories(work.resolve("rootfs"));
        writeBaseImage(root, "a", "a");
        String before = sha256(stage0);
        tools.createQcow2(stage1, 0, Optional.of(stage0));
        try (ResourceScope scope = new ResourceScope(ledger)) {
            tools.mount(attacher.attach(stage1, scope), root, scope);
            Files.write(root.resolve("big"), new byte[8 << 20]);
            Files.delete(root.resolve("a"));
        }
        assertThat(sha256(stage0)).isEqualTo(before);
        assertThat(Files.size(stage1)).isGreaterThan(1L << 20);
        assertThat(HostLeftovers.below(work)).isEmpty();
    }

    private Ledger ledger;
    private QcowAttacher attacher;
    private Path stage0;
    private Path stage1;

    @BeforeEach
    void parts() {
        HostLeftovers.assumeRootWith("qemu-img", "qemu-nbd", "nbdfuse", "losetup", "mkfs.ext4");
        ledger = Ledger.open(work.resolve("ledger.yaml"));
        attacher = QcowAttacher.forHost(tools, work.resolve("run"));
        stage0 = work.resolve("image-stage0.qcow2");
        stage1 = work.resolve("image-stage1.qcow2");
    }

    /** A new first-stage image with one ext4 filesystem holding one file, mounted at {@code root} meanwhile. */
    private void writeBaseImage(Path root, String file, String content) throws Exception {
        tools.createQcow2(stage0, 1L << 30, Optional.empty());
        try (ResourceScope scope = new ResourceScope(ledger)) {
            Path device = attacher.attach(stage0, scope);
            tools.makeExt4(device, "rootfs");
            tools.mount(device, root, scope);
            Files.writeString(root.resolve(file), content);
            assertThat(ledger.entries()).extracting(Ledger.Entry::kind).contains(Ledger.Kind.MOUNT);
        }
        assertThat(ledger.entries()).isEmpty();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
    }
}
