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

    /** Mounts binfmt_misc when it is not, and enables qemu-user for {@code target} (idempotent). */
    public static void enable(Arch target, ProcessRunner runner) throws CommandFailedException, InterruptedException {
        if (isNative(target)) {
            return;
        }
        if (!Files.exists(BINFMT.resolve("status"))) {
            runner.check(Command.of("mount", "-t", "binfmt_misc", "binfmt_misc", BINFMT.toString()));
        }
        runner.run(Command.of("update-binfmts", "--enable", "qemu-" + target.qemuName()));
        Path entry = BINFMT.resolve("qemu-" + target.qemuName());
        if (!Files.exists(entry)) {
            throw new CommandFailedException(Command.of("update-binfmts", "--enable", "qemu-" + target.qemuName()), 1,
                    java.util.List.of(), "did not register " + entry + ": install qemu-user-static and binfmt-support");
        }
    }
}
