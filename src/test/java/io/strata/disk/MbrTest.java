package io.strata.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.exec.Programs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MbrTest {

    @TempDir
    Path dir;

    @Test
    void readsThePartitionsSfdiskWrote() throws Exception {
        assumeTrue(Programs.find("sfdisk").isPresent(), "sfdisk is not installed: install fdisk (see `depends`)");
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(32L << 20);
        }
        Process sfdisk = new ProcessBuilder("sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", image.toString())
                .redirectErrorStream(true).start();
        sfdisk.getOutputStream().write("label: dos\nstart=8192, size=16384, type=c\nstart=24576, size=8192, type=83\n".getBytes());
        sfdisk.getOutputStream().close();
        assertThat(sfdisk.waitFor()).as(new String(sfdisk.getInputStream().readAllBytes())).isZero();

        Mbr mbr = Mbr.read(image).orElseThrow();

        assertThat(mbr.partition(0)).isEqualTo(new Mbr.Partition(0x0c, 4L << 20, 8L << 20));
        assertThat(mbr.partition(1)).isEqualTo(new Mbr.Partition(0x83, 12L << 20, 4L << 20));
        assertThat(mbr.partition(2).type()).isZero();
    }

    @Test
    void aFileWithoutTheSignatureHasNoMbr() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello\n");

        assertThat(Mbr.read(file)).isEmpty();
    }
}
