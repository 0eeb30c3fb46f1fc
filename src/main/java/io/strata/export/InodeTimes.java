package io.strata.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The debugfs commands that set every used inode's change and access time to one moment. mke2fs -d
 * copies both from the tree it is filled from, where they are when the build touched or read a file;
 * no tool can set a change time on the tree, so they are set in the new file system. The used inodes
 * are what dumpe2fs does not list as free, group by group; of the reserved ones below its first inode
 * only the root directory's (2) is the tree's, the others keep what mke2fs wrote.
 */
final class InodeTimes {

    private static final Pattern INODES_PER_GROUP = Pattern.compile("(?m)^Inodes per group:\\s+(\\d+)$");
    private static final Pattern FIRST_INODE = Pattern.compile("(?m)^First inode:\\s+(\\d+)$");
    private static final long ROOT_DIRECTORY = 2;
    private static final Pattern GROUP = Pattern.compile("^Group (\\d+):");
    private static final Pattern FREE_INODES = Pattern.compile("^\\s+Free inodes:\\s*(.*)$");

    private InodeTimes() {
    }

    /** For dumpe2fs's {@code report}: one {@code sif} per used inode and time, each to {@code epochSecond}. */
    static String debugfsCommands(String report, long epochSecond) {
        StringBuilder commands = new StringBuilder();
        for (long inode : usedInodes(report)) {
            commands.append("sif <").append(inode).append("> ctime @").append(epochSecond).append('\n');
            commands.append("sif <").append(inode).append("> atime @").append(epochSecond).append('\n');
        }
        return commands.toString();
    }

    static List<Long> usedInodes(String report) {
        Matcher perGroup = INODES_PER_GROUP.matcher(report);
        if (!perGroup.find()) {
            throw new IllegalArgumentException("dumpe2fs gave no 'Inodes per group'");
        }
        long inodesPerGroup = Long.parseLong(perGroup.group(1));
        Matcher firstInode = FIRST_INODE.matcher(report);
        long first = firstInode.find() ? Long.parseLong(firstInode.group(1)) : 11;
        List<Long> used = new ArrayList<>();
        long group = -1;
        for (String line : report.split("\n")) {
            Matcher start = GROUP.matcher(line);
            if (start.find()) {
                group = Long.parseLong(start.group(1));
                continue;
            }
            Matcher free = FREE_INODES.matcher(line);
            if (free.matches() && group >= 0) {
                addUsed(used, group * inodesPerGroup + 1, (group + 1) * inodesPerGroup, free.group(1));
                group = -1;
            }
        }
        used.removeIf(inode -> inode < first && inode != ROOT_DIRECTORY);
        return used;
    }

    /** Adds the inodes of [{@code first}, {@code last}] that {@code freeRanges} ("17-2048, 4000") leaves out. */
    private static void addUsed(List<Long> used, long first, long last, String freeRanges) {
        long next = first;
        for (String range : freeRanges.split(",")) {
            String text = range.trim();
            if (text.isEmpty()) {
                continue;
            }
            String[] ends = text.split("-");
            long from = Long.parseLong(ends[0]);
            long to = Long.parseLong(ends[ends.length - 1]);
            for (long inode = next; inode < from; inode++) {
                used.add(inode);
            }
            next = Math.max(next, to + 1);
        }
        for (long inode = next; inode <= last; inode++) {
            used.add(inode);
        }
    }
}
