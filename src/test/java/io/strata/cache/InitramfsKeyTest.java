package io.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsKeyTest {

    private static final String KERNEL = "6.12.0-1-arm64";

    @TempDir
    Path root;

    @BeforeEach
    void anImage() throws Exception {
        write("var/lib/dpkg/status", """
                Package: linux-image-6.12.0-1-arm64
                Status: install ok installed
                Architecture: arm64
                Version: 6.12.0-1

                Package: removed-one
                Status: deinstall ok config-files
                Architecture: arm64
                Version: 1.0
                """);
        write("usr/lib/modules/" + KERNEL + "/kernel/drivers/net/wifi.ko.xz", "module one");
        write("usr/lib/modules/" + KERNEL + "/modules.dep", "wifi.ko.xz:");
        write("usr/lib/firmware/brcm/brcmfmac43455-sdio.bin", "firmware AAAA");
        write("usr/share/initramfs-tools/hooks/fsck", "#!/bin/sh\n");
        write("etc/initramfs-tools/initramfs.conf", "MODULES=most\n");
        write("etc/hostname", "one\n");
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
    }

    private String key() throws Exception {
        return InitramfsKey.of(root, KERNEL, "arm64");
    }

    private void write(String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void aModuleOrAFirmwareFileChangedInPlaceWithTheSameSizeIsAnotherKey() throws Exception {
        String before = key();
        assertThat(key()).as("stable").isEqualTo(before);
        write("usr/lib/modules/" + KERNEL + "/kernel/drivers/net/wifi.ko.xz", "module two");
        String module = key();
        assertThat(module).isNotEqualTo(before);
        write("usr/lib/firmware/brcm/brcmfmac43455-sdio.bin", "firmware BBBB");
        assertThat(key()).isNotEqualTo(module);
    }

    @Test
    void hooksConfigurationAndPackagesCountAndUnrelatedFilesDoNot() throws Exception {
        String before = key();
        write("etc/hostname", "two\n");
        assertThat(key()).as("/etc/hostname is not in the initramfs").isEqualTo(before);
        write("usr/share/initramfs-tools/hooks/fsck", "#!/bin/sh\n# changed\n");
        String hook = key();
        assertThat(hook).isNotEqualTo(before);
        write("etc/initramfs-tools/initramfs.conf", "MODULES=dep\n");
        String conf = key();
        assertThat(conf).isNotEqualTo(hook);
        write("var/lib/dpkg/status", Files.readString(root.resolve("var/lib/dpkg/status")).replace("6.12.0-1\n", "6.12.0-2\n"));
        assertThat(key()).isNotEqualTo(conf);
    }

    @Test
    void aLinkInTheImageNeverLeadsTheKeyToTheHostsFiles() throws Exception {
        String before = key();
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/modprobe.d"), Path.of("/etc"));
        String linked = key();
        // /etc/modprobe.d -> /etc is the image's own /etc: the host's /etc files must not count
        Files.writeString(root.resolve("etc/only-in-the-image"), "x");
        assertThat(key()).as("the image's /etc is what the link names").isNotEqualTo(linked);
        assertThat(linked).isNotEqualTo(before);
    }

    @Test
    void onlyInstalledPackagesAreListed() {
        assertThat(InitramfsKey.installedPackages("Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n"
                + "Package: b\nStatus: deinstall ok config-files\nVersion: 2\nArchitecture: all\n")).containsExactly("a 1 all");
    }
}
