package io.strata.config;

import java.util.Arrays;
import java.util.Optional;

/** The target architectures Strata builds for, by their Debian names. */
public enum Arch {
    ARM64("arm64", "aarch64"),
    ARMHF("armhf", "arm"),
    I386("i386", "i386"),
    AMD64("amd64", "x86_64");

    private final String debianName;
    private final String qemuName;

    Arch(String debianName, String qemuName) {
        this.debianName = debianName;
        this.qemuName = qemuName;
    }

    public String debianName() {
        return debianName;
    }

    /** The name qemu-user and binfmt_misc use for this architecture ({@code qemu-aarch64}). */
    public String qemuName() {
        return qemuName;
    }

    public boolean isRaspberryPiCapable() {
        return this == ARM64 || this == ARMHF;
    }

    /**
     * Whether this target's stage file system is made without ext4's hashed directories: a 32-bit ARM
     * program run through qemu-user (a 64-bit process) is handed 64-bit directory positions that its
     * readdir() cannot hold (see DiskTools.makeExt4).
     */
    public boolean wantsLinearDirectories() {
        return this == ARMHF;
    }

    public static Optional<Arch> fromDebianName(String name) {
        return Arrays.stream(values()).filter(a -> a.debianName.equals(name)).findFirst();
    }
}
