package io.strata.export;

/** The MBR of an exported image as an sfdisk script: boot partition first, ext4 root second. */
final class PartitionTable {

    private PartitionTable() {
    }

    /** {@code bootFsType} vfat gets type c (FAT32 LBA), marked bootable; anything else type 83 (Linux). */
    static String sfdiskScript(ImageLayout layout, DiskIds ids, String bootFsType) {
        String bootType = "vfat".equals(bootFsType) ? "c" : "83";
        return "label: dos\n"
                + "label-id: 0x" + ids.diskSignature() + "\n"
                + "unit: sectors\n"
                + "\n"
                + "start=" + layout.bootStartSector() + ", size=" + layout.bootSize() / ImageLayout.SECTOR
                + ", type=" + bootType + ", bootable\n"
                + "start=" + layout.rootStartSector() + ", size=" + layout.rootSize() / ImageLayout.SECTOR
                + ", type=83\n";
    }
}
