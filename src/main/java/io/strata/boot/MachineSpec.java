package io.strata.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.strata.config.BuildConfig;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * The QEMU command line for a target. A PC boots through the image's own bootloader (BIOS GRUB,
 * or UEFI with OVMF). A Raspberry Pi image boots on QEMU's virt machine with the kernel, initrd and
 * command line from its boot partition, the console moved to the virt machine's serial port; a
 * USE_QEMU=1 Pi image boots through QEMU's EFI firmware and its own GRUB instead. A PC live ISO boots
 * as a CD-ROM.
 */
public final class MachineSpec {

    public static final String OVMF = "/usr/share/ovmf/OVMF.fd";

    private MachineSpec() {
    }

    static List<String> qemuArgv(BuildConfig config, Path raw, Path overlay, Path scratch, int sshPort, boolean uefi,
            Path qmpSocket, ProcessRunner runner) throws IOException, CommandFailedException, InterruptedException {
        List<String> argv = new ArrayList<>();
        String arch = config.targetArch().debianName();
        boolean kvm = !config.targetRaspi() && QemuMachine.kvmUsable();
        if (!config.targetRaspi()) {
            argv.add("amd64".equals(arch) ? "qemu-system-x86_64" : "qemu-system-i386");
            argv.addAll(List.of("-accel", kvm ? "kvm" : "tcg"));
            if (uefi) {
                argv.addAll(List.of("-bios", OVMF));
            }
        } else {
            argv.addAll("arm64".equals(arch)
                    ? List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57")
                    // Debian's armmp kernel has no LPAE: keep virt's PCI window below 4 GiB, or no disk appears.
                    : List.of("qemu-system-arm", "-M", "virt,highmem=off", "-cpu", "cortex-a15"));
            argv.addAll(List.of("-accel", "tcg"));
            if (useQemu(config)) {
                // A -qemu image boots as QEMU users run it: UEFI firmware, then its own GRUB.
                argv.addAll(List.of("-bios", piFirmware(config)));
            } else {
                PiBoot boot = PiBoot.extract(raw, scratch, runner);
                argv.addAll(List.of("-kernel", boot.kernel().toString(), "-initrd", boot.initrd().toString(),
                        "-append", boot.cmdline()));
            }
            // The virt machine has no display of its own: a virtio GPU gives X a screen to draw on.
            argv.addAll(List.of("-device", "virtio-gpu-pci"));
        }
        int cpus = kvm ? 2 : tcgCpus(Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        argv.addAll(List.of("-m", "1024", "-smp", Integer.toString(cpus), "-display", "none", "-monitor", "none", "-serial", "stdio",
                "-qmp", Qmp.argument(qmpSocket), "-no-reboot"));
        if (BootMedia.isLiveIso(raw)) {
            argv.addAll(List.of("-drive", "file=" + raw.toAbsolutePath() + ",media=cdrom,readonly=on", "-boot", "d"));
        } else {
            argv.addAll(List.of("-drive", "file=" + overlay + ",format=qcow2,if=virtio"));
        }
        argv.addAll(List.of("-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22"));
        return argv;
    }

    /**
     * How many vCPUs an emulated (TCG) machine gets: two only when the host has about two cores idle
     * (its cores less the load average), else one. Each vCPU is a host thread, and a guest whose other
     * vCPU waits for a busy host core spins on its locks: measured on a 2-core host, three boot checks
     * at once took 197 s and 130 CPU-seconds each with two vCPUs, 133 s and 88 CPU-seconds with one;
     * alone, two vCPUs boot in 52 s, one in 71 s. A load average the host cannot give counts as busy.
     */
    static int tcgCpus(int hostCores, double loadAverage) {
        return loadAverage >= 0 && hostCores - loadAverage >= 1.5 ? 2 : 1;
    }

    /** QEMU's packaged EFI firmware for the virt machine (packages qemu-efi-aarch64 and qemu-efi-arm). */
    public static final String AARCH64_FIRMWARE = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd";
    public static final String ARM_FIRMWARE = "/usr/share/AAVMF/AAVMF32_CODE.fd";

    static boolean useQemu(BuildConfig config) {
        return config.useQemu();
    }

    public static String piFirmware(BuildConfig config) {
        return "arm64".equals(config.targetArch().debianName()) ? AARCH64_FIRMWARE : ARM_FIRMWARE;
    }

    /**
     * The command that runs an exported image in plain QEMU, as the .info file of a USE_QEMU=1 image
     * gives it: the raw image as a virtio disk, the serial console on the terminal.
     */
    public static String runCommand(BuildConfig config, String imageFile) {
        String arch = config.targetArch().debianName();
        List<String> argv = new ArrayList<>();
        if (!config.targetRaspi()) {
            argv.add("amd64".equals(arch) ? "qemu-system-x86_64" : "qemu-system-i386");
        } else if ("arm64".equals(arch)) {
            argv.addAll(List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-bios", AARCH64_FIRMWARE,
                    "-device", "virtio-gpu-pci"));
        } else {
            argv.addAll(List.of("qemu-system-arm", "-M", "virt,highmem=off", "-cpu", "cortex-a15", "-bios", ARM_FIRMWARE,
                    "-device", "virtio-gpu-pci"));
        }
        argv.addAll(List.of("-m", "1024", "-smp", "2", "-drive", "file=" + imageFile + ",format=raw,if=virtio",
                "-nic", "user,model=virtio-net-pci", "-serial", "mon:stdio"));
        return String.join(" ", argv);
    }

    /** A Pi image's kernel, initrd and command line, read from its FAT boot partition with mtools. */
    record PiBoot(Path kernel, Path initrd, String cmdline) {

        static PiBoot extract(Path raw, Path scratch, ProcessRunner runner)
                throws IOException, CommandFailedException, InterruptedException {
            String fat = raw.toAbsolutePath() + "@@" + BootMedia.bootPartitionOffset(raw);
            Map<String, String> env = Map.of("MTOOLS_SKIP_CHECK", "1");
            Path configTxt = scratch.resolve("config.txt");
            Path cmdlineTxt = scratch.resolve("cmdline.txt");
            runner.check(Command.of("mcopy", "-n", "-i", fat, "::/config.txt", configTxt.toString()).withEnv(env));
            runner.check(Command.of("mcopy", "-n", "-i", fat, "::/cmdline.txt", cmdlineTxt.toString()).withEnv(env));
            Map<String, String> settings = configSettings(Files.readString(configTxt));
            String kernelName = settings.getOrDefault("kernel", "vmlinuz");
            String initrdName = settings.getOrDefault("initramfs", "initrd.img");
            Path kernel = scratch.resolve("vmlinuz");
            Path initrd = scratch.resolve("initrd.img");
            runner.check(Command.of("mcopy", "-n", "-i", fat, "::/" + kernelName, kernel.toString()).withEnv(env));
            runner.check(Command.of("mcopy", "-n", "-i", fat, "::/" + initrdName, initrd.toString()).withEnv(env));
            return new PiBoot(kernel, initrd, virtCmdline(Files.readString(cmdlineTxt)));
        }

        /** config.txt's {@code kernel=} and {@code initramfs FILE followkernel} settings (the last of each). */
        static Map<String, String> configSettings(String configTxt) {
            Map<String, String> settings = new java.util.HashMap<>();
            for (String line : configTxt.lines().map(String::strip).toList()) {
                if (line.startsWith("kernel=")) {
                    settings.put("kernel", line.substring("kernel=".length()).strip());
                } else if (line.startsWith("initramfs ")) {
                    settings.put("initramfs", line.split("\\s+")[1]);
                }
            }
            return settings;
        }

        /** The Pi's command line with its consoles (serial0, tty1) replaced by the virt machine's ttyAMA0. */
        static String virtCmdline(String cmdline) {
            String kept = Arrays.stream(cmdline.strip().split("\\s+"))
                    .filter(arg -> !arg.startsWith("console=") && !arg.isEmpty())
                    .collect(Collectors.joining(" "));
            return kept + " console=ttyAMA0";
        }
    }
}
