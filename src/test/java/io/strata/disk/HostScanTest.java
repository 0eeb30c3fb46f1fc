package io.strata.disk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a loop's backing file reads once the FUSE mount under it went with a container's namespace. */
class HostScanTest {

    @Test
    void aLoopOnAFuseFileWhoseMountHasGoneIsRecognised() {
        assertThat(HostScan.isDetachedFuseFile("/disk")).isTrue();
    }

    @Test
    void aLiveBuildsLoopShowsItsWholePathAndIsNot() {
        assertThat(HostScan.isDetachedFuseFile("/strata/work/pigen_work/run/nbd-image-stage1/fuse/disk")).isFalse();
        assertThat(HostScan.isDetachedFuseFile("/var/tmp/disk.img")).isFalse();
        assertThat(HostScan.isDetachedFuseFile("/disk2")).isFalse();
    }
}
