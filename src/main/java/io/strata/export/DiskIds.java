package io.strata.export;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The identifiers an exported image is found by: the MBR disk signature (PARTUUIDs are
 * {@code <signature>-01} and {@code -02}), the root file system's UUID and the FAT volume id.
 */
public record DiskIds(String diskSignature, UUID rootFsUuid, String bootVolumeId) {

    public DiskIds {
        if (!diskSignature.matches("[0-9a-f]{8}") || !bootVolumeId.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("disk signature and volume id are 8 lower-case hex digits");
        }
    }

    /**
     * The ids of the export with {@code identity} (its {@link io.strata.reuse.ImageIdentity}): one config,
     * built anywhere, gives the same ids, so a rebuild gives the same bytes; another config gives others.
     */
    public static DiskIds derivedFrom(String identity) {
        ByteBuffer bytes = ByteBuffer.wrap(sha256("strata disk ids\0" + identity));
        String signature = nonZeroHex(bytes.getInt());
        long most = (bytes.getLong() & ~0xf000L) | 0x4000L; // version 4 layout, as mke2fs makes them
        long least = (bytes.getLong() & ~(0x3L << 62)) | (0x2L << 62);
        return new DiskIds(signature, new UUID(most, least), nonZeroHex(bytes.getInt()));
    }

    /** A name-based UUID for {@code purpose} of the export with {@code identity} (an SBOM's namespace, a marker). */
    public static UUID derivedUuid(String purpose, String identity) {
        return UUID.nameUUIDFromBytes((purpose + "\0" + identity).getBytes(StandardCharsets.UTF_8));
    }

    /** The seed of an ext4's directory hashes (mke2fs would pick one at random), from its UUID. */
    public static UUID hashSeed(UUID fileSystem) {
        return derivedUuid("ext4 hash seed", fileSystem.toString());
    }

    /** The UUID of a boot partition in ext4 (BOOT_FS_TYPE), from the root's. */
    public UUID bootFsUuid() {
        return derivedUuid("boot file system", rootFsUuid.toString());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nonZeroHex(int value) {
        return HexFormat.of().toHexDigits(value == 0 ? 1 : value);
    }

    public String bootPartUuid() {
        return diskSignature + "-01";
    }

    public String rootPartUuid() {
        return diskSignature + "-02";
    }
}
