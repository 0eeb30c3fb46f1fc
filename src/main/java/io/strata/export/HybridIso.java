package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * A PC live ISO that boots by BIOS (El Torito, GRUB's eltorito.img) and by UEFI (an EFI system
 * partition image holding GRUB's BOOTX64.EFI), and as a hybrid image also from a USB stick written
 * with dd: xorriso lays it out as grub-mkrescue does, with the image's own GRUB. Its dates are
 * {@code sourceDate} (xorriso and mtools read SOURCE_DATE_EPOCH; the EFI image is made --invariant
 * with {@code volumeId}), so one tree gives one ISO.
 */
final class HybridIso {

    static final String VOLUME_ID = "STRATA_LIVE";

    private final ProcessRunner runner;
    private final Instant sourceDate;
    private final Map<String, String> dated;
    private final String volumeId;

    HybridIso(ProcessRunner runner, Instant sourceDate, String volumeId) {
        this.runner = runner;
        this.sourceDate = sourceDate;
        this.dated = Map.of("SOURCE_DATE_EPOCH", Long.toString(sourceDate.getEpochSecond()));
        this.volumeId = volumeId;
    }

    /**
     * The GRUB menu on the ISO: live-boot, with the console on the screen and the first serial port, and
     * "quiet" as Debian's own live media and Strata's disk images have it (the kernel's messages would
     * otherwise hold up every boot on the 115200-baud serial console).
     */
    static String grubConfig(String title) {
        return """
                # Written by Strata at live export.
                set default=0
                set timeout=0
                serial --unit=0 --speed=115200
                terminal_input console serial
                terminal_output console serial
                menuentry "%s" {
                	linux /live/vmlinuz boot=live console=tty0 console=ttyS0,115200 quiet
                	initrd /live/initrd.img
                }
                """.formatted(title.replace("\"", ""));
    }

    /**
     * Writes {@code iso} from the tree {@code media} (live/, boot/grub/grub.cfg, the marker file) and
     * GRUB's pieces in {@code grub}: eltorito.img, boot_hybrid.img and, for UEFI, bootx64.efi.
     */
    void write(Path media, Path grub, Path iso) throws IOException, CommandFailedException, InterruptedException {
        Path eltorito = media.resolve("boot/grub/i386-pc/eltorito.img");
        Files.createDirectories(eltorito.getParent());
        Files.copy(grub.resolve("eltorito.img"), eltorito);
        List<String> argv = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-iso-level", "3", "-r",
                "-V", VOLUME_ID, "-o", iso.toString(),
                "-b", "boot/grub/i386-pc/eltorito.img", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                "--grub2-boot-info", "--grub2-mbr", grub.resolve("boot_hybrid.img").toString()));
        Path efiLoader = grub.resolve("bootx64.efi");
        if (Files.exists(efiLoader)) {
            writeEfiImage(efiLoader, media.resolve("efi.img"));
            argv.addAll(List.of("--efi-boot", "efi.img", "-efi-boot-part", "--efi-boot-image"));
        }
        argv.addAll(List.of("--protective-msdos-label", media.toString()));
        dateTree(media); // xorriso takes each file's time from the tree, where it is when the export wrote it
        runner.check(Command.of(argv).withEnv(dated));
    }

    private void dateTree(Path tree) throws IOException {
        FileTime time = FileTime.from(sourceDate);
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path path : walk.toList()) {
                Files.setLastModifiedTime(path, time);
            }
        }
    }

    /** A FAT image with EFI/BOOT/BOOTX64.EFI, made with mkfs.vfat and mtools (no loop device, no mount). */
    private void writeEfiImage(Path loader, Path image) throws IOException, CommandFailedException, InterruptedException {
        long kib = Math.max(4096, (Files.size(loader) >> 10) * 2 + 1024);
        runner.check(Command.of("mkfs.vfat", "--invariant", "-i", volumeId, "-C", image.toString(), Long.toString(kib)));
        Map<String, String> env = new HashMap<>(dated);
        env.put("MTOOLS_SKIP_CHECK", "1");
        runner.check(Command.of("mmd", "-i", image.toString(), "::/EFI", "::/EFI/BOOT").withEnv(env));
        runner.check(Command.of("mcopy", "-i", image.toString(), loader.toString(), "::/EFI/BOOT/BOOTX64.EFI").withEnv(env));
    }
}
