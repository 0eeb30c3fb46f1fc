package io.strata.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a Raspberry Pi's firmware needs from an exported image, read without mounting anything: the
 * FAT boot partition (4 MiB in) holds the firmware, a board's device tree, config.txt and a cmdline.txt
 * whose root is the image's own second partition by PARTUUID.
 */
public final class PiBootPartition {

    private PiBootPartition() {
    }

    /** Checks the boot partition of the raw image {@code image}; {@code scratch} takes a copy of cmdline.txt. */
    public static void assertBootable(Path image, Path scratch) throws IOException, InterruptedException {
        String dump = Host.output(scratch, "sfdisk", "--dump", image.toString());
        String signature = dump.lines().filter(l -> l.startsWith("label-id:")).findFirst().orElseThrow()
                .replaceFirst("label-id: 0x", "").strip();
        String fat = image + "@@" + (4L << 20);
        String files = Host.output(scratch, "mdir", "-b", "-i", fat, "::/");
        assertThat(files).contains("::/config.txt", "::/cmdline.txt", "::/start4.elf", "::/bcm2711-rpi-4-b.dtb");
        Path cmdline = scratch.resolve("cmdline.txt");
        Host.output(scratch, "mcopy", "-n", "-i", fat, "::/cmdline.txt", cmdline.toString());
        assertThat(Files.readString(cmdline)).contains("root=PARTUUID=" + signature + "-02");
    }
}
