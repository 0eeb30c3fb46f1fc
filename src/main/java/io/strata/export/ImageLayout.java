package io.strata.export;

/**
 * Where the partitions of an exported image lie: a 4 MiB gap for the MBR and a BIOS bootloader,
 * the boot partition, then the root partition, each aligned to 4 MiB. Sizes are in bytes.
 */
public record ImageLayout(long bootStart, long bootSize, long rootStart, long rootSize) {

    public static final long ALIGNMENT = 4L << 20;
    public static final long SECTOR = 512;
    /** pi-gen's margin for the root file system: a fifth of its content plus 200 MiB. */
    static final long ROOT_HEADROOM = 200L << 20;

    public ImageLayout {
        if (bootStart % ALIGNMENT != 0 || rootStart % ALIGNMENT != 0 || bootSize % ALIGNMENT != 0
                || rootSize % ALIGNMENT != 0) {
            throw new IllegalArgumentException("partitions must start and end on 4 MiB boundaries");
        }
        if (bootStart < ALIGNMENT || rootStart < bootStart + bootSize) {
            throw new IllegalArgumentException("partitions overlap");
        }
    }

    /** A layout for a root file system holding {@code rootContent} bytes and a boot partition of {@code bootSize}. */
    public static ImageLayout forContent(long rootContent, long bootSize) {
        if (rootContent < 0 || bootSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        long boot = alignUp(bootSize);
        long root = alignUp(rootContent + rootContent / 5 + ROOT_HEADROOM);
        return new ImageLayout(ALIGNMENT, boot, ALIGNMENT + boot, root);
    }

    public long totalSize() {
        return rootStart + rootSize;
    }

    public long bootStartSector() {
        return bootStart / SECTOR;
    }

    public long rootStartSector() {
        return rootStart / SECTOR;
    }

    static long alignUp(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
