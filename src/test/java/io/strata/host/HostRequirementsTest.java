package io.strata.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.Arch;

class HostRequirementsTest {

    @Test
    void aLineNamesItsToolItsPackageAndWhatItIsFor() {
        assertThat(Requirement.parse("bash")).isEqualTo(new Requirement("bash", "bash", Set.of()));
        assertThat(Requirement.parse("qemu-img:qemu-utils")).isEqualTo(new Requirement("qemu-img", "qemu-utils", Set.of()));
        assertThat(Requirement.parse("/usr/share/ovmf/OVMF.fd:ovmf for uefi"))
                .isEqualTo(new Requirement("/usr/share/ovmf/OVMF.fd", "ovmf", Set.of("uefi")));
        assertThat(Requirement.parse("qemu-system-x86_64:qemu-system-x86 for boot-pc, live").neededFor())
                .containsExactlyInAnyOrder("boot-pc", "live");
    }

    @Test
    void anUnknownWordAfterForIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> Requirement.parse("xorriso for livee"))
                .hasMessageContaining("\"livee\"").hasMessageContaining("live, lock");
    }

    @Test
    void aPcBuildWithoutABootCheckNeedsNoEmulatorFirmwareOrLiveTools() {
        assumeAmd64Host();
        assertThat(HostNeeds.forBuild(Arch.AMD64, false, false, false).words()).isEmpty();
        assertThat(HostNeeds.forBuild(Arch.I386, true, false, false).words()).containsExactly(HostNeeds.BOOT_PC);
        assertThat(HostNeeds.forBuild(Arch.ARM64, true, false, true).words())
                .containsExactlyInAnyOrder(HostNeeds.FOREIGN, HostNeeds.BOOT_ARM64, HostNeeds.LOCK);
        assertThat(HostNeeds.forBuild(Arch.ARMHF, false, false, false).words()).containsExactly(HostNeeds.FOREIGN);
        assertThat(HostNeeds.forBuild(Arch.AMD64, false, true, false).words()).containsExactly(HostNeeds.LIVE);
        assertThat(HostNeeds.forBoot(Arch.AMD64, true).words()).containsExactlyInAnyOrder(HostNeeds.BOOT_PC, HostNeeds.UEFI);
    }

    @Test
    void onlyTheLinesARunNeedsAreCheckedForIt(@TempDir Path dir) throws Exception {
        Path depends = Files.writeString(dir.resolve("depends"), """
                # a comment
                bash
                strata-no-such-tool-everywhere
                strata-no-such-tool-for-boot:qemu-system-x86 for boot-pc  # the boot machine
                /strata/no/such/firmware.fd:qemu-efi-aarch64 for boot-arm64,uefi
                """);
        HostRequirements requirements = HostRequirements.read(depends);
        assertThat(tools(requirements.missing(new HostNeeds(Set.of())))).containsExactly("strata-no-such-tool-everywhere");
        assertThat(tools(requirements.missing(new HostNeeds(Set.of(HostNeeds.BOOT_PC)))))
                .containsExactly("strata-no-such-tool-everywhere", "strata-no-such-tool-for-boot");
        assertThat(tools(requirements.missing(new HostNeeds(Set.of(HostNeeds.UEFI)))))
                .containsExactly("strata-no-such-tool-everywhere", "/strata/no/such/firmware.fd");
    }

    @Test
    void theProjectsDependsFileReadsAndAPcBuildOfItNeedsNoQemuSystem() {
        HostRequirements requirements = HostRequirements.read(Path.of("depends"));
        List<Requirement> lines = requirements.lines();
        assertThat(lines).filteredOn(r -> r.tool().startsWith("qemu-system")).allSatisfy(r -> assertThat(r.neededFor()).isNotEmpty());
        assertThat(lines).filteredOn(r -> r.tool().equals("mmdebstrap")).singleElement()
                .satisfies(r -> assertThat(r.neededFor()).isEmpty());
    }

    private static List<String> tools(List<Requirement> requirements) {
        return requirements.stream().map(Requirement::tool).toList();
    }

    private static void assumeAmd64Host() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Binfmt.isNative(Arch.AMD64), "an amd64 host");
    }
}
