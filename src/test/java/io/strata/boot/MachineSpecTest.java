package io.strata.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class MachineSpecTest {

    @Test
    void thePiCommandLineKeepsItsRootAndMovesTheConsoleToTheVirtMachinesSerialPort() {
        String cmdline = " console=tty0 console=ttyS1,115200 root=PARTUUID=b1e53f19-02 rw fsck.repair=yes rootwait \n";

        assertThat(MachineSpec.PiBoot.virtCmdline(cmdline))
                .isEqualTo("root=PARTUUID=b1e53f19-02 rw fsck.repair=yes rootwait console=ttyAMA0");
    }

    @Test
    void kernelAndInitrdNamesComeFromConfigTxt() {
        String config = "arm_64bit=1\nenable_uart=1\nkernel=vmlinuz-6.1.0-50-arm64\ninitramfs initrd.img-6.1.0-50-arm64\n";

        assertThat(MachineSpec.PiBoot.configSettings(config))
                .containsEntry("kernel", "vmlinuz-6.1.0-50-arm64").containsEntry("initramfs", "initrd.img-6.1.0-50-arm64");
    }

    @Test
    void theTranscriptSitsBesideTheImageWithoutItsExtensions() {
        assertThat(BootCheck.transcriptPath(Path.of("/d/image_x-lite.zip"))).isEqualTo(Path.of("/d/image_x-lite.boot-console.log"));
        assertThat(BootCheck.transcriptPath(Path.of("/d/image_x-lite.img.xz"))).isEqualTo(Path.of("/d/image_x-lite.boot-console.log"));
        assertThat(BootCheck.transcriptPath(Path.of("/d/image_x-lite.img"))).isEqualTo(Path.of("/d/image_x-lite.boot-console.log"));
        assertThat(BootCheck.transcriptPath(Path.of("/d/image_x-live.iso"))).isEqualTo(Path.of("/d/image_x-live.boot-console.log"));
    }

    @Test
    void anEmulatedMachineGetsASecondVcpuOnlyWhenTheHostHasTwoCoresIdle() {
        assertThat(MachineSpec.tcgCpus(2, 0.2)).isEqualTo(2);
        assertThat(MachineSpec.tcgCpus(2, 1.0)).as("another build runs beside it").isEqualTo(1);
        assertThat(MachineSpec.tcgCpus(2, 3.5)).isEqualTo(1);
        assertThat(MachineSpec.tcgCpus(8, 3.5)).isEqualTo(2);
        assertThat(MachineSpec.tcgCpus(1, 0.0)).isEqualTo(1);
        assertThat(MachineSpec.tcgCpus(4, -1)).as("no load average").isEqualTo(1);
    }
}
