package io.strata.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two trees compared entry by entry: what is in one only, and what differs in content, target, mode or time. */
class TreeDiffTest {

    private static final FileTime WHEN = FileTime.from(Instant.parse("2026-11-22T00:00:00Z"));

    @TempDir
    Path dir;

    private Path tree(String name) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name).resolve("etc"));
        Files.writeString(root.resolve("hostname"), "strata\n");
        Files.writeString(root.resolve("same"), "same\n");
        Files.createSymbolicLink(root.resolve("localtime"), Path.of("/usr/share/zoneinfo/Europe/Berlin"));
        return root.getParent();
    }

    private static void dateAll(Path root) throws Exception {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.toList()) {
                if (!Files.isSymbolicLink(path)) {
                    Files.setLastModifiedTime(path, WHEN);
                }
            }
        }
    }

    @Test
    void identicalTreesHaveNoDifference() throws Exception {
        Path a = tree("a");
        Path b = tree("b");
        dateAll(a);
        dateAll(b);
        assertThat(TreeDiff.between(a, b)).isEmpty();
    }

    @Test
    void eachKindOfDifferenceIsNamedWithItsPath() throws Exception {
        Path a = tree("a");
        Path b = tree("b");
        Files.writeString(b.resolve("etc/hostname"), "other\n");
        Files.writeString(a.resolve("etc/machine-id"), "");
        Files.writeString(b.resolve("etc/new"), "new\n");
        Files.delete(b.resolve("etc/localtime"));
        Files.createSymbolicLink(b.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
        dateAll(a);
        dateAll(b);
        Files.setPosixFilePermissions(b.resolve("etc/same"), PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(b.resolve("etc"), FileTime.from(Instant.parse("2026-12-07T10:00:00Z")));

        assertThat(TreeDiff.between(a, b)).extracting(TreeDiff.Difference::toString).containsExactly(
                "/etc: modified 2026-11-22T00:00:00Z -> 2026-12-07T10:00:00Z",
                "/etc/hostname: content",
                "/etc/localtime: link target /usr/share/zoneinfo/Europe/Berlin -> /usr/share/zoneinfo/UTC",
                "/etc/machine-id: only in the first",
                "/etc/new: only in the second",
                "/etc/same: mode 0644 -> 0600");
        assertThat(TreeDiff.between(a, b)).filteredOn(TreeDiff.Difference::contentDiffers)
                .extracting(TreeDiff.Difference::path).containsExactly("/etc/hostname");
    }
}
