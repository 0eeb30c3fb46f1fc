package io.strata.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The debugfs commands that set every used inode's change and access time to one moment. mke2fs -d
 * copies both from the tree it is filled from, where they are when the build touched or read a file;
 * no tool can set a change time on the tree, so they are set in the new file system. Which inodes are
 * used comes from debugfs's {@code stats} (dumpe2fs would list the free ranges, but from e2fsprogs
 * 1.47.2 on it refuses a {@code file?offset=} name): a new file system filled by mke2fs -d uses each
 * group's inodes from its start, so a group's used ones are those before its never-used ("unused")
 * tail. Of the reserved inodes below the first inode only the root directory's (2) is the tree's; the
 * others keep what mke2fs wrote.
 */
final class InodeTimes {

    private static final Pattern INODES_PER_GROUP = Pattern.compile("(?m)^Inodes per group:\\s+(\\d+)$");
    private static final Pattern FIRST_INODE = Pattern.compile("(?m)^First inode:\\s+(\\d+)$");
    private static final Pattern GROUP = Pattern.compile("^\\s*Group\\s+(\\d+):");
    private static final Pattern UNUSED = Pattern.compile("(\\d+) unused inodes");
    private static final long ROOT_DIRECTORY = 2;

    private InodeTimes() {
    }

    /** For debugfs's {@code stats} {@code report}: one {@code sif} per used inode and time, each to {@code epochSecond}. */
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
            throw new IllegalArgumentException("debugfs stats gave no 'Inodes per group'");
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
            Matcher unused = UNUSED.matcher(line);
            if (unused.find() && group >= 0) {
                long from = group * inodesPerGroup + 1;
                long to = (group + 1) * inodesPerGroup - Long.parseLong(unused.group(1));
                for (long inode = from; inode <= to; inode++) {
                    if (inode >= first || inode == ROOT_DIRECTORY) {
                        used.add(inode);
                    }
                }
                group = -1;
            }
        }
        return used;
    }
}
