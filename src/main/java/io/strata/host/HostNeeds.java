package io.strata.host;

import java.util.Set;
import java.util.TreeSet;

import io.strata.config.Arch;

/**
 * What one run asks of the host beyond the tools every build runs: the words a {@code depends} line
 * names after {@code for}. A PC build without a boot check needs none of them, so a newcomer's first
 * build installs no emulator and no firmware.
 */
public record HostNeeds(Set<String> words) {

    /** A target architecture the host runs through qemu-user (every Raspberry Pi build on a PC). */
    public static final String FOREIGN = "foreign";
    /** The boot check of a PC image (BOOT_TEST=1, imagetool --boot): qemu-system-x86. */
    public static final String BOOT_PC = "boot-pc";
    /** The boot check of a 64-bit Raspberry Pi image on QEMU's virt machine, with its EFI firmware. */
    public static final String BOOT_ARM64 = "boot-arm64";
    /** The boot check of a 32-bit Raspberry Pi image on QEMU's virt machine, with its EFI firmware. */
    public static final String BOOT_ARMHF = "boot-armhf";
    /** A PC boot through UEFI (imagetool --boot --uefi): OVMF. */
    public static final String UEFI = "uefi";
    /** A stage with EXPORT_LIVE: squashfs and the hybrid ISO. */
    public static final String LIVE = "live";
    /** PACKAGE_LOCK: the locked repository's index. */
    public static final String LOCK = "lock";

    public static final Set<String> KNOWN = Set.of(FOREIGN, BOOT_PC, BOOT_ARM64, BOOT_ARMHF, UEFI, LIVE, LOCK);

    public HostNeeds {
        words = Set.copyOf(new TreeSet<>(words));
    }

    /** What a build of {@code arch} needs: its emulator when foreign, its boot machine, live media, the lock's index. */
    public static HostNeeds forBuild(Arch arch, boolean bootTest, boolean live, boolean lock) {
        Set<String> words = new TreeSet<>();
        if (!Binfmt.isNative(arch)) {
            words.add(FOREIGN);
        }
        if (bootTest) {
            words.add(bootMachine(arch));
        }
        if (live) {
            words.add(LIVE);
        }
        if (lock) {
            words.add(LOCK);
        }
        return new HostNeeds(words);
    }

    /** What a boot check of an image of {@code arch} needs (imagetool --boot). */
    public static HostNeeds forBoot(Arch arch, boolean uefi) {
        return new HostNeeds(uefi ? Set.of(bootMachine(arch), UEFI) : Set.of(bootMachine(arch)));
    }

    private static String bootMachine(Arch arch) {
        return switch (arch) {
            case AMD64, I386 -> BOOT_PC;
            case ARM64 -> BOOT_ARM64;
            case ARMHF -> BOOT_ARMHF;
        };
    }

    /** Whether a line wanted for {@code lineNeeds} (empty: every run) is wanted by this run. */
    public boolean want(Set<String> lineNeeds) {
        return lineNeeds.isEmpty() || lineNeeds.stream().anyMatch(words::contains);
    }

    /** The words, for the plan's "installed because" line. */
    @Override
    public String toString() {
        return words.isEmpty() ? "none" : String.join(", ", new TreeSet<>(words));
    }
}
