package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class PartitionTableTest {

    private static final long MIB = 1L << 20;
    private final DiskIds ids = new DiskIds("1a2b3c4d", UUID.fromString("0f9ba1f2-7d2c-4b53-8f36-3c5d1f8e2a10"), "cafe0042");

    @Test
    void fatBootPartitionThenLinuxRootUnderTheDiskSignature() {
        ImageLayout layout = new ImageLayout(4 * MIB, 512 * MIB, 516 * MIB, 1024 * MIB);

        String script = PartitionTable.sfdiskScript(layout, ids, "vfat");

        assertThat(script).contains("label: dos\n", "label-id: 0x1a2b3c4d\n")
                .contains("start=8192, size=1048576, type=c, bootable\n")
                .contains("start=1056768, size=2097152, type=83\n");
    }

    @Test
    void anExtBootPartitionIsTypeLinux() {
        ImageLayout layout = new ImageLayout(4 * MIB, 512 * MIB, 516 * MIB, 1024 * MIB);

        assertThat(PartitionTable.sfdiskScript(layout, ids, "ext4")).contains("type=83, bootable");
    }

    @Test
    void partUuidsAreTheSignatureAndThePartitionNumber() {
        assertThat(ids.bootPartUuid()).isEqualTo("1a2b3c4d-01");
        assertThat(ids.rootPartUuid()).isEqualTo("1a2b3c4d-02");
    }

    @Test
    void idsDerivedFromTheExportKeyAreWellFormedTheSameForOneKeyAndDifferForAnother() {
        DiskIds one = DiskIds.derivedFrom("key-one");
        DiskIds two = DiskIds.derivedFrom("key-two");

        assertThat(DiskIds.derivedFrom("key-one")).isEqualTo(one);
        assertThat(one.diskSignature()).matches("[0-9a-f]{8}").isNotEqualTo("00000000");
        assertThat(one.bootVolumeId()).matches("[0-9a-f]{8}").isNotEqualTo("00000000");
        assertThat(one.rootFsUuid().version()).isEqualTo(4);
        assertThat(one.rootFsUuid().variant()).isEqualTo(2);
        assertThat(one.diskSignature()).isNotEqualTo(two.diskSignature());
        assertThat(one.rootFsUuid()).isNotEqualTo(two.rootFsUuid());
        assertThat(one.bootVolumeId()).isNotEqualTo(two.bootVolumeId());
        assertThat(DiskIds.derivedUuid("spdx namespace", "key-one")).isEqualTo(DiskIds.derivedUuid("spdx namespace", "key-one"))
                .isNotEqualTo(DiskIds.derivedUuid("live marker", "key-one"));
    }
}
