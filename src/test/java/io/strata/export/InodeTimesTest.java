package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The used inodes read off debugfs's stats, and a change and access time set on each. */
class InodeTimesTest {

    private static final String REPORT = """
            Inode count:              40
            Inodes per group:         10
            First inode:              3
            Group  0: block bitmap at 124, inode bitmap at 132, inode table at 140
                       0 free blocks, 2 free inodes, 3 used directories, 2 unused inodes
                       [Checksum 0x2463]
             Group  1: block bitmap at 125, inode bitmap at 133, inode table at 629
                       0 free blocks, 0 free inodes, 1 used directories, 0 unused inodes
             Group  2: block bitmap at 126, inode bitmap at 134, inode table at 700
                       9 free blocks, 10 free inodes, 0 used directories, 10 unused inodes
                       [Inode not init, Checksum 0x09ca]
             Group  3: block bitmap at 127, inode bitmap at 135, inode table at 800
                       9 free blocks, 8 free inodes, 0 used directories, 8 unused inodes
            """;

    @Test
    void eachGroupsInodesBeforeItsUnusedTailAreUsedAndOfTheReservedOnlyTheRoot() {
        assertThat(InodeTimes.usedInodes(REPORT)).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 11L, 12L, 13L, 14L, 15L,
                16L, 17L, 18L, 19L, 20L, 31L, 32L);
    }

    @Test
    void eachUsedInodeGetsTheChangeAndAccessTime() {
        String commands = InodeTimes.debugfsCommands(REPORT, 1_764_547_200L);
        assertThat(commands).startsWith("sif <2> ctime @1764547200\nsif <2> atime @1764547200\n")
                .endsWith("sif <32> ctime @1764547200\nsif <32> atime @1764547200\n");
        assertThat(commands.lines()).hasSize(38);
    }

    @Test
    void aReportWithoutItsGroupSizeIsRefused() {
        assertThatThrownBy(() -> InodeTimes.usedInodes(" Group  0: block bitmap at 1\n  0 free inodes, 0 unused inodes\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
