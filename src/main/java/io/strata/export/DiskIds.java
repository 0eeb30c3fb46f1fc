package io.strata.export;

import java.security.SecureRandom;
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

    public static DiskIds random() {
        SecureRandom random = new SecureRandom();
        return new DiskIds(hex8(random), UUID.randomUUID(), hex8(random));
    }

    public String bootPartUuid() {
        return diskSignature + "-01";
    }

    public String rootPartUuid() {
        return diskSignature + "-02";
    }

    private static String hex8(SecureRandom random) {
        int value;
        do {
            value = random.nextInt();
        } while (value == 0);
        return HexFormat.of().toHexDigits(value);
    }
}
