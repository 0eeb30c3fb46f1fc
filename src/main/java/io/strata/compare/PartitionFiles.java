package io.strata.compare;

import java.nio.file.Path;
import java.util.Map;

import io.strata.disk.Mbr;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * A partition of a raw image copied out into a directory without mounting anything: FAT by mtools,
 * ext2/3/4 by debugfs's rdump (which keeps modes, owners and times when run as root).
 */
final class PartitionFiles {

    private static final int FAT32_LBA = 0x0c;
    private static final int FAT32 = 0x0b;
    private static final int LINUX = 0x83;

    private PartitionFiles() {
    }

    /** Whether {@link #extract} can copy a partition of this type out. */
    static boolean readable(Mbr.Partition partition) {
        return partition.type() == FAT32_LBA || partition.type() == FAT32 || partition.type() == LINUX;
    }

    static String typeName(Mbr.Partition partition) {
        return switch (partition.type()) {
            case FAT32_LBA, FAT32 -> "FAT";
            case LINUX -> "Linux";
            default -> String.format("type 0x%02x", partition.type());
        };
    }

    /** Copies the files of {@code partition} of {@code image} into the empty directory {@code into}. */
    static void extract(ProcessRunner runner, Path image, Mbr.Partition partition, Path into)
            throws CommandFailedException, InterruptedException {
        if (partition.type() == LINUX) {
            runner.check(Command.of("debugfs", "-R", "rdump / " + into, image + "?offset=" + partition.offset()));
            return;
        }
        String fat = image + "@@" + partition.offset();
        Map<String, String> env = Map.of("MTOOLS_SKIP_CHECK", "1");
        if (runner.output(Command.of("mdir", "-b", "-i", fat, "::/").withEnv(env)).isEmpty()) {
            return; // mcopy refuses "::/*" of an empty root
        }
        runner.check(Command.of("mcopy", "-s", "-p", "-m", "-n", "-Q", "-i", fat, "::/*", into.toString()).withEnv(env));
    }
}
