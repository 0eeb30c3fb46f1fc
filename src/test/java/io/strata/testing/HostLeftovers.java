package io.strata.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/** What the host still has attached below a directory: mounts, loop devices, qemu-nbd, nbdfuse, QEMU machines and processes chrooted into it. */
public final class HostLeftovers {

    private HostLeftovers() {
    }

    public static List<String> below(Path dir) throws IOException, InterruptedException {
        String prefix = dir.toAbsolutePath().toString();
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            if (line.contains(prefix)) {
                found.add("mount: " + line);
            }
        }
        Process losetup = new ProcessBuilder("losetup", "-a").redirectErrorStream(true).start();
        for (String line : new String(losetup.getInputStream().readAllBytes()).split("\n")) {
            if (line.contains(prefix)) {
                found.add("loop: " + line);
            }
        }
        losetup.waitFor();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(cmd -> {
            if ((cmd.contains("qemu-nbd") || cmd.contains("nbdfuse") || cmd.contains("qemu-system")
                    || cmd.contains("chroot-enter.sh")) && cmd.contains(prefix)) {
                found.add("process " + p.pid() + ": " + cmd);
            }
        }));
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                if (Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "root")).startsWith(prefix)) {
                    found.add("chrooted process " + p.pid() + ": " + p.info().commandLine().orElse("?"));
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended, or is not ours to look at
            }
        });
        return found;
    }

    /** Skips the calling test, saying why, unless it runs as root on a host with the tools it names. */
    public static void assumeRootWith(String... tools) {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        Assumptions.assumeTrue(uid == 0, "needs root to attach and mount disk images; run the tests with sudo");
        for (String tool : tools) {
            Assumptions.assumeTrue(io.strata.exec.Programs.find(tool).isPresent(),
                    tool + " is not installed: install the packages named in `depends` (.ci/run does)");
        }
    }
}
