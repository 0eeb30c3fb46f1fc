package io.strata.host;

import java.nio.file.Files;
import java.nio.file.Path;

import io.strata.config.Arch;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/** Lets the host run a foreign architecture's programs through qemu-user (binfmt_misc). */
public final class Binfmt {

    private static final Path BINFMT = Path.of("/proc/sys/fs/binfmt_misc");
    private static final Path RULES = Path.of("/usr/lib/binfmt.d");

    private Binfmt() {
    }

    /** The architecture the host runs natively, or can run without emulation (i386 on amd64). */
    public static boolean isNative(Arch target) {
        String host = System.getProperty("os.arch");
        return switch (target) {
            case AMD64 -> host.equals("amd64") || host.equals("x86_64");
            case I386 -> host.equals("amd64") || host.equals("x86_64") || host.equals("i386") || host.equals("x86");
            case ARM64 -> host.equals("aarch64");
            case ARMHF -> host.equals("arm") || host.equals("aarch64");
        };
    }

    /**
     * Mounts binfmt_misc when it is not, and registers qemu-user for {@code target} (idempotent) from the
     * rule its package ships in {@code /usr/lib/binfmt.d}, as systemd-binfmt would: bookworm's
     * qemu-user-static and trixie's qemu-user-binfmt both ship it, with the F flag (the kernel opens the
     * interpreter once, so it works inside a chroot or a container). Trixie has no update-binfmts
     * registration, and a container has no systemd to read the rule, so Strata writes it itself.
     */
    public static void enable(Arch target, ProcessRunner runner) throws CommandFailedException, InterruptedException {
        if (isNative(target)) {
            return;
        }
        if (!Files.exists(BINFMT.resolve("status"))) {
            runner.check(Command.of("mount", "-t", "binfmt_misc", "binfmt_misc", BINFMT.toString()));
        }
        String name = "qemu-" + target.qemuName();
        Path entry = BINFMT.resolve(name);
        Path rule = RULES.resolve(name + ".conf");
        try {
            if (Files.exists(entry)) {
                if (!Files.readString(entry).startsWith("enabled")) {
                    Files.writeString(entry, "1");
                }
                return;
            }
            if (!Files.isRegularFile(rule)) {
                throw new CommandFailedException(Command.of("register", name), 1, java.util.List.of(), "no binfmt rule "
                        + rule + " to register " + name + ": install qemu-user-static (on trixie it brings qemu-user and "
                        + "qemu-user-binfmt)");
            }
            Files.writeString(BINFMT.resolve("register"), registration(Files.readString(rule)));
        } catch (java.io.IOException e) {
            throw new CommandFailedException(Command.of("register", name), 1, java.util.List.of(), "cannot register " + name
                    + " in " + BINFMT + ": " + e.getMessage() + " (in a container, register it on the host: install "
                    + "qemu-user-static there)");
        }
        if (!Files.exists(entry)) {
            throw new CommandFailedException(Command.of("register", name), 1, java.util.List.of(), "did not register "
                    + entry + " from " + rule);
        }
    }

    /** The registration line of a binfmt.d rule file: its first line that is not a comment. */
    static String registration(String rule) {
        return rule.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith(";"))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("an empty binfmt rule"));
    }
}
