package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The used inodes read off dumpe2fs's group report, and a change and access time set on each. */
class InodeTimesTest {

    private static final String REPORT = """
            Inode count:              40
            Inodes per group:         10
            First inode:              3
            Group 0: (Blocks 0-32767) csum 0x2463 [ITABLE_ZEROED]
              Free blocks: 100-200
              Free inodes: 4-6, 9
            Group 1: (Blocks 32768-65535) csum 0xbbbd [ITABLE_ZEROED]
              Free inodes:\s
            Group 2: (Blocks 65536-98303) [INODE_UNINIT, ITABLE_ZEROED]
              Free inodes: 21-30
            Group 3: (Blocks 98304-131071) [INODE_UNINIT]
              Free inodes: 33-40
            """;

    @Test
    void everyInodeNotListedFreeInItsGroupIsUsedAndOfTheReservedOnlyTheRoot() {
        assertThat(InodeTimes.usedInodes(REPORT)).containsExactly(2L, 3L, 7L, 8L, 10L, 11L, 12L, 13L, 14L, 15L, 16L,
                17L, 18L, 19L, 20L, 31L, 32L);
    }

    @Test
    void eachUsedInodeGetsTheChangeAndAccessTime() {
        String commands = InodeTimes.debugfsCommands(REPORT, 1_764_547_200L);
        assertThat(commands).startsWith("sif <2> ctime @1764547200\nsif <2> atime @1764547200\n")
                .endsWith("sif <32> ctime @1764547200\nsif <32> atime @1764547200\n");
        assertThat(commands.lines()).hasSize(34);
    }

    @Test
    void aReportWithoutItsGroupSizeIsRefused() {
        assertThatThrownBy(() -> InodeTimes.usedInodes("Group 0:\n  Free inodes: 1-5\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
