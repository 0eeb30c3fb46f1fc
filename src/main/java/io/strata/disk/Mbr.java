package io.strata.disk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The MBR of a disk image, read from the file: its partitions' type, start and size (bytes). */
public record Mbr(List<Partition> partitions) {

    /** One primary partition entry; {@code type} 0 means unused. */
    public record Partition(int type, long offset, long size) {
    }

    private static final int SECTOR = 512;

    /** Reads the four primary entries; empty when the file has no MBR signature (0x55aa). */
    public static java.util.Optional<Mbr> read(Path image) throws IOException {
        byte[] mbr = new byte[SECTOR];
        try (InputStream in = Files.newInputStream(image)) {
            if (in.readNBytes(mbr, 0, SECTOR) != SECTOR || (mbr[510] & 0xff) != 0x55 || (mbr[511] & 0xff) != 0xaa) {
                return java.util.Optional.empty();
            }
        }
        List<Partition> partitions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int entry = 446 + 16 * i;
            partitions.add(new Partition(mbr[entry + 4] & 0xff, le32(mbr, entry + 8) * SECTOR, le32(mbr, entry + 12) * SECTOR));
        }
        return java.util.Optional.of(new Mbr(partitions));
    }

    public Partition partition(int index) {
        return partitions.get(index);
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
