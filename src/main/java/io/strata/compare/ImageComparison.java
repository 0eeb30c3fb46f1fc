package io.strata.compare;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.apache.commons.io.file.PathUtils;

import io.strata.disk.Mbr;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.CommandResult;
import io.strata.exec.ProcessRunner;
import io.strata.exec.Programs;
import io.strata.reuse.Digests;

/**
 * {@code ./imagetool --compare A B}: whether two raw images are the same bytes, and when not, where
 * they differ: the disk's head (MBR and boot loader), then each partition, and in a partition that
 * differs, the files, with the difference of their content where it is text (diffoscope's when it is
 * installed, diff's otherwise). The partitions are copied out into a scratch directory that is
 * removed afterwards.
 */
public final class ImageComparison {

    /** Text files larger than this are named, not shown. */
    private static final long SHOWN_TEXT = 1 << 20;
    private static final int SHOWN_LINES = 40;

    private final ProcessRunner runner;
    private final PrintWriter out;

    public ImageComparison(ProcessRunner runner, PrintWriter out) {
        this.runner = runner;
        this.out = out;
    }

    /** Compares {@code one} with {@code other}; true when they are identical. */
    public boolean compare(Path one, Path other, Path scratchParent)
            throws IOException, CommandFailedException, InterruptedException {
        String a = Digests.ofFile(one);
        String b = Digests.ofFile(other);
        if (a.equals(b)) {
            out.println("identical (sha256 " + a + ")");
            return true;
        }
        out.println("different: " + one + " (sha256 " + a + ") and " + other + " (sha256 " + b + ")");
        Optional<Mbr> mbrA = Mbr.read(one);
        Optional<Mbr> mbrB = Mbr.read(other);
        if (mbrA.isEmpty() || mbrB.isEmpty()) {
            out.println("  not both disk images with an MBR: no partition to compare");
            return false;
        }
        long head = Math.min(firstPartition(mbrA.get()), firstPartition(mbrB.get()));
        describeRange("the disk's head (partition table and boot loader)", one, other, 0, 0, head);
        Path scratch = Files.createTempDirectory(scratchParent, "strata-compare-");
        try {
            for (int i = 0; i < 4; i++) {
                Mbr.Partition pa = mbrA.get().partition(i);
                Mbr.Partition pb = mbrB.get().partition(i);
                if (pa.type() == 0 && pb.type() == 0) {
                    continue;
                }
                comparePartition(i + 1, one, pa, other, pb, scratch.resolve("p" + (i + 1)));
            }
        } finally {
            PathUtils.deleteDirectory(scratch);
        }
        out.flush();
        return false;
    }

    private static long firstPartition(Mbr mbr) {
        return mbr.partitions().stream().filter(p -> p.type() != 0).mapToLong(Mbr.Partition::offset).min().orElse(0);
    }

    private void comparePartition(int number, Path one, Mbr.Partition pa, Path other, Mbr.Partition pb, Path scratch)
            throws IOException, CommandFailedException, InterruptedException {
        String name = "partition " + number + " (" + PartitionFiles.typeName(pa) + ")";
        if (pa.type() != pb.type() || pa.size() != pb.size()) {
            out.println("  " + name + ": another type or size in the second (" + PartitionFiles.typeName(pb) + ", "
                    + pb.size() + " bytes against " + pa.size() + ")");
        } else if (!describeRange(name, one, other, pa.offset(), pb.offset(), pa.size())) {
            return;
        }
        if (!PartitionFiles.readable(pa) || pa.type() != pb.type()) {
            return;
        }
        Path treeA = Files.createDirectories(scratch.resolve("a"));
        Path treeB = Files.createDirectories(scratch.resolve("b"));
        PartitionFiles.extract(runner, one, pa, treeA);
        PartitionFiles.extract(runner, other, pb, treeB);
        List<TreeDiff.Difference> differences = TreeDiff.between(treeA, treeB);
        if (differences.isEmpty()) {
            out.println("    no file differs: the file systems differ in their own metadata (times, ids, layout)");
            return;
        }
        out.println("    " + differences.size() + (differences.size() == 1 ? " file differs:" : " files differ:"));
        for (TreeDiff.Difference difference : differences) {
            out.println("      " + difference);
        }
        boolean diffoscope = Programs.find("diffoscope").isPresent();
        for (TreeDiff.Difference difference : differences) {
            if (difference.contentDiffers()) {
                showContent(difference.path(), treeA.resolve(difference.path().substring(1)),
                        treeB.resolve(difference.path().substring(1)), diffoscope);
            }
        }
    }

    /** Prints whether the byte ranges differ, and where first; true when they do. */
    private boolean describeRange(String name, Path one, Path other, long offsetA, long offsetB, long length)
            throws IOException {
        long first = firstDifference(one, offsetA, other, offsetB, length);
        if (first < 0) {
            out.println("  " + name + ": identical");
            return false;
        }
        out.println("  " + name + ": differs (first at byte " + first + " of it)");
        return true;
    }

    static long firstDifference(Path one, long offsetA, Path other, long offsetB, long length) throws IOException {
        try (InputStream a = Files.newInputStream(one); InputStream b = Files.newInputStream(other)) {
            a.skipNBytes(offsetA);
            b.skipNBytes(offsetB);
            byte[] bufA = new byte[1 << 20];
            byte[] bufB = new byte[1 << 20];
            long done = 0;
            while (done < length) {
                int want = (int) Math.min(bufA.length, length - done);
                int gotA = a.readNBytes(bufA, 0, want);
                int gotB = b.readNBytes(bufB, 0, want);
                int mismatch = java.util.Arrays.mismatch(bufA, 0, gotA, bufB, 0, gotB);
                if (mismatch >= 0) {
                    return done + mismatch;
                }
                if (gotA < want) {
                    return -1;
                }
                done += want;
            }
            return -1;
        }
    }

    private void showContent(String path, Path a, Path b, boolean diffoscope)
            throws IOException, CommandFailedException, InterruptedException {
        CommandResult result;
        if (diffoscope) {
            result = runner.run(Command.of("diffoscope", "--no-progress", "--text", "-", a.toString(), b.toString()));
        } else if (isText(a) && isText(b)) {
            result = runner.run(Command.of("diff", "-u", "--label", "first" + path, "--label", "second" + path,
                    a.toString(), b.toString()));
        } else {
            out.println("    " + path + ": binary content differs (install diffoscope to see how)");
            return;
        }
        List<String> lines = result.stdout().lines().toList();
        lines.stream().limit(SHOWN_LINES).forEach(line -> out.println("    " + line));
        if (lines.size() > SHOWN_LINES) {
            out.println("    ... " + (lines.size() - SHOWN_LINES) + " more lines");
        }
    }

    private static boolean isText(Path file) throws IOException {
        if (Files.size(file) > SHOWN_TEXT) {
            return false;
        }
        byte[] bytes = Files.readAllBytes(file);
        for (byte value : bytes) {
            if (value == 0) {
                return false;
            }
        }
        return true;
    }
}
