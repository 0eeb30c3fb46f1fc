package io.strata.config;

/**
 * ROOTFS_RO and the size of the tmpfs its overlay writes to (ROOTFS_RO_OVERLAY_TMPFS_SIZE, as written and
 * in bytes; the validator has checked it).
 */
public record ReadOnlyRoot(boolean enabled, String overlaySize, long overlayBytes) {

    /** The overlay's size in KiB, rounded up: what the tmpfs mount option says. */
    public long overlayKib() {
        return (overlayBytes + 1023) / 1024;
    }
}
