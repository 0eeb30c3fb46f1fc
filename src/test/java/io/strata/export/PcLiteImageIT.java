package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;
import io.strata.testing.RootFileSystem;
import io.strata.testing.SuiteBuilds;
import io.strata.testing.TestAptRepo;
import io.strata.testing.TestRegistry;
import io.strata.testing.TestProxy;

/**
 * The stock stages built into a PC amd64 "lite" image by {@code ./build}, then the exported image
 * inspected without mounting anything (the partition table, the FAT boot partition through mtools,
 * the ext4 root through debugfs, every byte searched for the config's secrets), then booted in QEMU
 * by {@code ./imagetool --boot}; and a deliberately broken copy of it must fail that check. The same
 * work dir then grows two more branches on its stage2: a live ISO and the X image of stage3a.
 */
@Tag("integration")
@Tag("image")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PcLiteImageIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-export");
    private static final Path DEPLOY = DIR.resolve("deploy");
    private static final String PASSWORD = "Plain-Secret-4711";
    private static final String WIFI_PASSWORD = "wifi-Secret-0815";
    private static final String LIVE_PASSWORD = "Live-Secret-77";
    private static final String LIVE_BASE = "image_2026-11-22-it-lite-live";
    private static final String BASE = "image_2026-11-22-it-lite-lite";

    /** A network name with a quote and spaces: it must land in wpa_supplicant.conf as it is. */
    private static final String ESSID = "strata \"test\" net";
    /** Files of /etc/apt/apt.conf.d and /etc/dpkg/dpkg.cfg.d that belong to no package, on purpose. */
    private static final List<String> SHIPPED_CONF = List.of("90strata-no-recommends");

    private static Path image;
    private static Path config;
    private static String pubkey;
    private static TestProxy proxy;
    private static TestAptRepo repo;

    @BeforeAll
    static void buildTheLiteImage() throws Exception {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare", "sfdisk", "mcopy", "debugfs");
        assertThat(HostLeftovers.below(DIR)).as("attached from an earlier run").isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(DIR);
        Host.output(DIR, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "it@strata", "-f", "id_test");
        pubkey = Files.readString(DIR.resolve("id_test.pub")).strip();
        proxy = TestProxy.start();
        repo = TestAptRepo.start(DIR.resolve("repo"), SuiteBuilds.RELEASE);
        repo.add(DIR, "strata-it-repo", "");
        config = Files.writeString(DIR.resolve("lite.cfg"), """
                IMG_NAME=it-lite
                IMG_DATE=2026-11-22
                TARGET_RASPI=0
                TARGET_ARCH=amd64
                RELEASE=%s
                TARGET_HOSTNAME=it-lite
                FIRST_USER_NAME=tester
                FIRST_USER_PASS=%s
                WPA_ESSID='%s'
                WPA_PASSWORD=%s
                WPA_COUNTRY=DE
                ENABLE_SSH=1
                PUBKEY_SSH_FIRST_USER="%s"
                PUBKEY_ONLY_SSH=1
                APT_MIRROR=http://ftp.de.debian.org/debian
                COMPRESSION_LEVEL=1
                LIVE_USER=liveuser/%s
                KEYBOARD_KEYMAP=gb
                KEYBOARD_LAYOUT='English (UK)'
                APT_PROXY=%s
                TEMP_REPO='%s'
                WORK_DIR=%s/work
                STAGE_STORE_DIR=%s/store
                DEPLOY_DIR=%s
                STAGE_LIST="stage0 stage1 stage2"
                """.formatted(SuiteBuilds.RELEASE, PASSWORD, ESSID, WIFI_PASSWORD, pubkey, LIVE_PASSWORD, proxy.url(), repo.sourceLine(), DIR,
                DIR, DEPLOY));
        Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", config.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[stage2]   image export ok");
        image = unzip(DEPLOY.resolve(BASE + ".zip"), DIR.resolve(BASE + ".img"));
    }

    @AfterAll
    static void stopTheProxy() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (repo != null) {
            repo.close();
        }
    }

    private static Path unzip(Path zip, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry = in.getNextEntry();
            assertThat(entry.getName()).isEqualTo(target.getFileName().toString());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            assertThat(in.getNextEntry()).as("one file in the zip").isNull();
        }
        return target;
    }

    @Test
    @Order(1)
    void nothingIsLeftAttachedOrMounted() throws Exception {
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(Files.readString(DIR.resolve("work/ledger.yaml")).trim()).isEqualTo("[]");
        assertThat(DIR.resolve("work/export/stage2")).doesNotExist();
    }

    @Test
    @Order(1)
    void secretsAtRestAreRootsAlone() throws Exception {
        assertThat(mode("work")).isEqualTo("rwx------");
        assertThat(mode("work/image-stage2.qcow2")).as("it holds the password hash and the PSK").isEqualTo("r--------");
        for (String record : List.of("work/stage2.done", "store/key-salt", "work/stage2.export-image")) {
            assertThat(mode(record)).as(record).isEqualTo("rw-------");
        }
        assertThat(mode("store")).isEqualTo("rwx------");
        try (var layers = Files.list(DIR.resolve("store/layers"))) {
            for (Path layer : layers.toList()) {
                assertThat(mode("store/layers/" + layer.getFileName() + "/layer.qcow2")).isEqualTo("r--------");
            }
        }
    }

    private static String mode(String path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(DIR.resolve(path)));
    }

    @Test
    @Order(2)
    void theDeployDirHoldsTheZipItsChecksumAndTheInfo() throws Exception {
        assertThat(Files.list(DEPLOY).map(p -> p.getFileName().toString()).sorted().toList())
                .containsExactly(BASE + ".bmap", BASE + ".info", BASE + ".lock", BASE + ".spdx.json", BASE + ".zip",
                        BASE + ".zip.sha256");
        String sums = Host.output(DEPLOY, "sha256sum", "-c", BASE + ".zip.sha256");
        assertThat(sums).contains(BASE + ".zip: OK");
        String info = Files.readString(DEPLOY.resolve(BASE + ".info"));
        assertThat(info).contains("Image sha256: " + io.strata.reuse.Digests.ofFile(image), "Target: PC amd64, Debian " + SuiteBuilds.RELEASE,
                "FIRST_USER_PASS=********", "WPA_PASSWORD=********", "WPA_ESSID=" + ESSID)
                .containsPattern("\nlinux-image-amd64 \\S+\n").containsPattern("\nopenssh-server \\S+\n")
                .doesNotContain(PASSWORD).doesNotContain(WIFI_PASSWORD);
        // The lock: every package of the .info at its version, with its .deb's SHA-256, archive, priority and section.
        List<String> lock = Files.readAllLines(DEPLOY.resolve(BASE + ".lock")).stream().filter(l -> !l.startsWith("#")).toList();
        long infoPackages = info.substring(info.indexOf("\nPackages (")).lines().skip(2).filter(l -> !l.isBlank()).count();
        assertThat(lock).hasSize((int) infoPackages)
                .anyMatch(l -> l.matches("linux-image-amd64 \\S+ amd64 [0-9a-f]{64} \\S+/debian "
                        + SuiteBuilds.RELEASE + "(-updates|-security)?/main optional kernel"));
        assertThat(lock).filteredOn(l -> l.contains("in no archive list")).isEmpty();
    }

    @Test
    @Order(2)
    void theSbomListsThePackagesOfTheInfoAndSpdxAcceptsIt() throws Exception {
        assertSbomMatchesInfo(DEPLOY.resolve(BASE + ".spdx.json"), DEPLOY.resolve(BASE + ".info"));
    }

    /** The SBOM validates (SPDX's own tool) and lists exactly the packages of the .info file, with licenses and purls. */
    static void assertSbomMatchesInfo(Path sbom, Path infoFile) throws Exception {
        System.setProperty("org.spdx.useJARLicenseInfoOnly", "true");
        System.setProperty("SPDXParser.OnlyUseLocalLicenses", "true");
        org.spdx.tools.SpdxToolsHelper.initialize();
        assertThat(org.spdx.tools.Verify.verify(sbom.toString(), org.spdx.tools.SpdxToolsHelper.SerFileType.JSON))
                .as("SPDX's validator on " + sbom).isEmpty();
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sbom.toFile());
        List<String> listed = new java.util.ArrayList<>();
        int licensed = 0;
        for (com.fasterxml.jackson.databind.JsonNode p : doc.get("packages")) {
            if (p.has("versionInfo")) {
                listed.add(p.get("name").asText() + " " + p.get("versionInfo").asText());
                String purl = p.get("externalRefs").get(0).get("referenceLocator").asText();
                assertThat(java.net.URLDecoder.decode(purl, java.nio.charset.StandardCharsets.UTF_8))
                        .startsWith("pkg:deb/debian/" + p.get("name").asText() + "@" + p.get("versionInfo").asText() + "?arch=");
                licensed += p.get("licenseDeclared").asText().equals("NOASSERTION") ? 0 : 1;
            }
        }
        String info = Files.readString(infoFile);
        List<String> infoPackages = info.substring(info.indexOf("\nPackages (")).lines().skip(2).filter(l -> !l.isBlank()).toList();
        assertThat(listed).as("the SBOM's packages are the .info's").containsExactlyInAnyOrderElementsOf(infoPackages)
                .hasSizeGreaterThan(100);
        assertThat(licensed).as("most Debian packages have a machine-readable copyright file").isGreaterThan(listed.size() / 2);
    }

    @Test
    @Order(2)
    void theBlockMapFlashesTheZipByteForByte() throws Exception {
        Path card = DIR.resolve("card.img");
        Host.output(DIR, "truncate", "-s", String.valueOf(Files.size(image)), card.toString());
        Host.Result flash = Host.run(REPO, REPO.resolve("imagetool").toString(), "--flash", DEPLOY.resolve(BASE + ".zip").toString(),
                card.toString(), "--yes");
        assertThat(flash.exitCode()).as(flash.output()).isZero();
        assertThat(flash.output()).contains("with bmaptool", "Flashed and verified");
        Host.Result same = Host.run(DIR, "cmp", image.toString(), card.toString());
        assertThat(same.exitCode()).as("the flashed file is the image: " + same.output()).isZero();
        Files.delete(card);
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void theMbrHoldsAFatBootAndAnExt4RootAlignedTo4Mib() throws Exception {
        Map<String, Object> json = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Host.output(DIR, "sfdisk", "--json", image.toString()));
        Map<String, Object> table = (Map<String, Object>) json.get("partitiontable");
        assertThat(table.get("label")).isEqualTo("dos");
        List<Map<String, Object>> parts = (List<Map<String, Object>>) table.get("partitions");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).get("type")).isEqualTo("c");
        assertThat(parts.get(1).get("type")).isEqualTo("83");
        for (Map<String, Object> part : parts) {
            assertThat(((Number) part.get("start")).longValue() % 8192).isZero();
            assertThat(((Number) part.get("size")).longValue() % 8192).isZero();
        }
        byte[] mbr = readStart(image, 512);
        Path bootImg = DIR.resolve("boot.img");
        debugfs("dump /usr/lib/grub/i386-pc/boot.img " + bootImg);
        assertThat(java.util.Arrays.copyOf(mbr, 440)).as("GRUB's boot.img in the MBR")
                .isEqualTo(java.util.Arrays.copyOf(Files.readAllBytes(bootImg), 440));
    }

    @Test
    @Order(4)
    void fstabAndGrubNameThePartitionsByPartuuid() throws Exception {
        String signature = diskSignature();
        String fstab = rootFile("/etc/fstab");
        assertThat(fstab).containsPattern("PARTUUID=" + signature + "-01\\s+/boot/efi\\s+vfat")
                .containsPattern("PARTUUID=" + signature + "-02\\s+/\\s+ext4").doesNotContain("BOOTDEV", "ROOTDEV");
        assertThat(rootFile("/boot/grub/grub.cfg")).contains("root=PARTUUID=" + signature + "-02", "set timeout=0")
                .as("Debian's default GRUB_CMDLINE_LINUX_DEFAULT").containsPattern("console=ttyS0,115200\\s+quiet");
        String efi = Host.output(DIR, "mdir", "-b", "-i", image + "@@" + (4L << 20), "::/EFI/BOOT");
        assertThat(efi).contains("BOOTX64.EFI");
    }

    @Test
    @Order(5)
    void theSystemIsReadyForItsFirstBootAndHoldsNoBuildLeftovers() throws Exception {
        assertThat(rootFile("/etc/shadow")).containsPattern("(?m)^tester:\\$(y|6)\\$[^:]+:").containsPattern("(?m)^root:!");
        assertThat(rootFile("/etc/hostname").trim()).isEqualTo("it-lite");
        // trixie's own form of the sources: deb822, with the build's components and APT_MIRROR
        assertThat(rootFile("/etc/apt/sources.list.d/debian.sources")).contains("URIs: http://ftp.de.debian.org/debian\n",
                "Suites: trixie trixie-updates\n", "Components: main contrib non-free non-free-firmware\n",
                "Suites: trixie-security\n", "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
                .doesNotContain("URIs: http://deb.debian.org/debian\n");
        assertThat(rootFile("/etc/apt/sources.list")).as("no one-line sources beside them").contains("File not found");
        assertThat(rootFile("/etc/machine-id")).isEmpty();
        assertThat(rootFile("/home/tester/.ssh/authorized_keys").trim()).isEqualTo(pubkey);
        assertThat(rootFile("/etc/wpa_supplicant/wpa_supplicant-wlan0.conf")).containsPattern("psk=[0-9a-f]{64}");
        StringBuilder listing = new StringBuilder();
        for (String dir : List.of("/etc/ssh", "/etc/apt/apt.conf.d", "/var/lib/apt/lists", "/usr/sbin", "/etc/dpkg/dpkg.cfg.d",
                "/var/cache/apt/archives")) {
            String entries = debugfs("ls -l " + dir);
            // A probe that fails must fail the check, not pass for "absent".
            assertThat(entries).as("debugfs lists " + dir).contains(" .\n", " ..").doesNotContain("not found", "debugfs:");
            listing.append(entries);
        }
        assertThat(listing.toString()).doesNotContain("ssh_host_", "99strata-build-proxy", "_Packages", "policy-rc.d",
                "strata-deferred", "99strata-unsafe-io", ".deb");
        List<String> inTmp = debugfs("ls -p /tmp").lines().filter(l -> l.startsWith("/"))
                .map(l -> l.split("/", -1)[5]).toList();
        assertThat(inTmp).as("/tmp is shared by the steps while building, and emptied").containsExactlyInAnyOrder(".", "..");
        assertThat(rootFile("/usr/sbin/update-initramfs")).as("the real update-initramfs is back")
                .contains("mkinitramfs").doesNotContain("strata");
        assertThat(rootFile("/var/lib/dpkg/diversions")).doesNotContain("update-initramfs");
        assertThat(debugfs("ls /boot")).contains("initrd.img-");
    }

    @Test
    @Order(5)
    void theImageCarriesNothingOfTheBuildAndValuesLandVerbatim() throws Exception {
        assertThat(proxy.requests()).as("apt went through APT_PROXY while building").isPositive();
        assertThat(repo.requests()).as("apt read TEMP_REPO while building").isPositive();
        assertThat(debugfs("ls -l /etc/apt/sources.list.d")).as("debugfs lists sources.list.d").contains(" .\n")
                .doesNotContain("strata-temp-repo");
        Path dump = Files.createDirectories(DIR.resolve("rootdump"));
        debugfs("rdump /etc " + dump);
        debugfs("rdump /var/lib/dpkg " + dump);
        assertThat(dump.resolve("etc/hostname")).as("debugfs copied /etc out of the image").content().isEqualTo("it-lite\n");
        assertThat(dump.resolve("dpkg/status")).as("debugfs copied the dpkg database out of the image").isNotEmptyFile();

        for (String dir : List.of("etc/apt/apt.conf.d", "etc/dpkg/dpkg.cfg.d")) {
            try (var files = Files.list(dump.resolve(dir))) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    Host.Result owner = Host.run(DIR, "dpkg-query", "--admindir=" + dump.resolve("dpkg"), "-S", "/" + dir + "/" + name);
                    assertThat(owner.exitCode() == 0 || SHIPPED_CONF.contains(name))
                            .as("/" + dir + "/" + name + " belongs to no package and is not one the stages ship: "
                                    + Files.readString(file)).isTrue();
                }
            }
        }
        try (var files = Files.walk(dump.resolve("etc"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(text).as(file + " holds a proxy setting").doesNotContain("127.0.0.1:" + proxy.port())
                        .doesNotContainIgnoringCase("::proxy");
                assertThat(text).as(file + " names TEMP_REPO").doesNotContain("127.0.0.1:" + repo.port());
            }
        }

        String wpa = Files.readString(dump.resolve("etc/wpa_supplicant/wpa_supplicant-wlan0.conf"));
        assertThat(wpa.split("network=\\{", -1)).as("one network block:\n" + wpa).hasSize(2);
        java.util.regex.Matcher ssid = java.util.regex.Pattern.compile("(?m)^\\s*ssid=([0-9a-f]+)$").matcher(wpa);
        assertThat(ssid.find()).as(wpa).isTrue();
        assertThat(new String(java.util.HexFormat.of().parseHex(ssid.group(1)), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(ESSID);
        assertThat(Files.readString(dump.resolve("etc/default/keyboard"))).contains("XKBLAYOUT=\"gb\"");
    }

    @Test
    @Order(6)
    void noSecretIsStoredInPlaintextAnywhereInTheImage() throws Exception {
        for (String secret : List.of(PASSWORD, WIFI_PASSWORD)) {
            Host.Result grep = Host.run(DIR, "grep", "-a", "-c", "-F", "-e", secret, image.toString());
            assertThat(grep.exitCode()).as(secret + " found in the image").isEqualTo(1);
        }
        assertThat(Files.readString(DIR.resolve("work/build.log"))).doesNotContain(PASSWORD).doesNotContain(WIFI_PASSWORD);
    }

    @Test
    @Order(7)
    void theImageBootsAndEveryCheckPasses() throws Exception {
        Host.Result boot = Host.run(REPO, REPO.resolve("imagetool").toString(), "--boot", DEPLOY.resolve(BASE + ".zip").toString(),
                "-c", config.toString(), "--ssh-key", DIR.resolve("id_test").toString());
        assertThat(boot.exitCode()).as(boot.output()).isZero();
        assertThat(boot.output()).contains("PASS  login", "PASS  hostname", "PASS  sudo", "PASS  system running",
                "PASS  locale", "PASS  timezone", "PASS  root read-write", "PASS  boot partition", "PASS  sshd listening",
                "PASS  ssh key login", "PASS  password login refused", "PASS  ssh host keys", "ecdsa ed25519 rsa",
                "PASS  boot time", "userspace", "Boot check passed").doesNotContain("FAIL");
        assertThat(DEPLOY.resolve(BASE + ".boot-console.log")).content().contains("login:").doesNotContain(PASSWORD);
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    @Order(8)
    void aBrokenFstabFailsTheCheckSayingWhichMountStoppedTheBoot() throws Exception {
        Path broken = DIR.resolve("broken.img");
        Files.copy(image, broken, StandardCopyOption.REPLACE_EXISTING);
        Path fstab = DIR.resolve("fstab.broken");
        // systemd waits 90 s for a missing device by default; 10 s is enough to prove the point.
        Files.writeString(fstab, rootFile("/etc/fstab").replaceAll("PARTUUID=\\w+-01(\\s+\\S+\\s+\\S+\\s+)(\\S+)",
                "PARTUUID=deadbeef-01$1$2,x-systemd.device-timeout=10s"));
        String offset = broken + "?offset=" + rootOffset();
        Host.output(DIR, "debugfs", "-w", "-R", "rm /etc/fstab", offset);
        Host.output(DIR, "debugfs", "-w", "-R", "write " + fstab + " /etc/fstab", offset);

        Host.Result boot = bootBroken(broken);
        if (boot.output().contains("no login prompt on the serial console within")) {
            // Seen once: the guest kernel stalled under TCG before systemd started. Boot once more.
            boot = bootBroken(broken);
        }
        assertThat(boot.exitCode()).as(boot.output()).isEqualTo(1);
        assertThat(boot.output()).contains("FAIL  login", "emergency mode", "deadbeef-01",
                "Dependency failed for boot-efi.mount - /boot/efi", "Boot check FAILED");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    @Order(9)
    void imagetoolMountsTheExportedRootReadOnly() throws Exception {
        Path mnt = DIR.resolve("mnt");
        Host.Result mount = Host.run(REPO, REPO.resolve("imagetool").toString(), "--mount", image.toString(), mnt.toString());
        assertThat(mount.exitCode()).as(mount.output()).isZero();
        try {
            assertThat(Files.readString(mnt.resolve("etc/hostname")).trim()).isEqualTo("it-lite");
            assertThat(mount.output()).contains("(read-only)");
            boolean bootMounted = Files.exists(mnt.resolve("boot/efi/EFI/BOOT/BOOTX64.EFI"));
            assertThat(bootMounted || mount.output().contains("the boot partition cannot be mounted on this host"))
                    .as("the boot partition is mounted, or the output says why not: " + mount.output()).isTrue();
        } finally {
            Host.Result umount = Host.run(REPO, REPO.resolve("imagetool").toString(), "--umount", mnt.toString());
            assertThat(umount.exitCode()).as(umount.output()).isZero();
        }
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    @Test
    @Order(10)
    void theSameStagesMakeALiveIsoThatBootsByBiosAndUefiAsTheLiveUser() throws Exception {
        Path liveStage = Files.createDirectories(DIR.resolve("stages/live"));
        Files.writeString(liveStage.resolve("EXPORT_LIVE"), "IMG_SUFFIX=-live\n");
        // A package from TEMP_REPO, and a local .deb whose dependency (hello) comes from the archive.
        Files.createDirectories(liveStage.resolve("00-local"));
        Files.writeString(liveStage.resolve("00-local/00-packages"), "strata-it-repo\n");
        TestAptRepo.buildDeb(DIR, "strata-it-local", "hello", liveStage.resolve("00-local/00-debs/strata-it-local_1.0_all.deb"));
        Path liveConfig = Files.writeString(DIR.resolve("live.cfg"), Files.readString(config)
                + "STAGE_LIST=\"stage0 stage1 stage2 " + liveStage + "\"\n");
        Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", liveConfig.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[stage0] reused (nothing changed)", "[stage2] reused (nothing changed)",
                "image export reused", "[live] rebuilt because it has no finished image", "[live]   00-local/00-debs ok",
                "[live]   live export ok");
        for (String suffix : List.of(".iso", ".squashfs", ".vmlinuz", ".initrd.img", ".live.info")) {
            assertThat(DEPLOY.resolve(LIVE_BASE + suffix)).as(suffix).isNotEmptyFile();
        }
        Host.Result sums = Host.run(DEPLOY, "sha256sum", "-c", LIVE_BASE + ".live.sha256");
        assertThat(sums.exitCode()).as(sums.output()).isZero();
        assertThat(sums.output()).contains(LIVE_BASE + ".iso: OK", LIVE_BASE + ".squashfs: OK");
        assertThat(Files.size(DEPLOY.resolve(LIVE_BASE + ".squashfs"))).isGreaterThan(50L << 20);
        Path iso = DEPLOY.resolve(LIVE_BASE + ".iso");
        byte[] mbr = readStart(iso, 512);
        assertThat(mbr[510] & 0xff).as("a hybrid ISO carries an MBR for USB sticks").isEqualTo(0x55);
        assertThat(Host.output(DIR, "sfdisk", "--dump", iso.toString())).as("the EFI system partition")
                .contains("type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        String info = Files.readString(DEPLOY.resolve(LIVE_BASE + ".live.info"));
        assertThat(info).contains("live-boot ", "LIVE_USER=********").doesNotContain(LIVE_PASSWORD)
                .contains("\nstrata-it-repo 1.0\n", "\nstrata-it-local 1.0\n").containsPattern("\nhello \\S+\n");
        assertSbomMatchesInfo(DEPLOY.resolve(LIVE_BASE + ".spdx.json"), DEPLOY.resolve(LIVE_BASE + ".live.info"));
        Path squashfs = DEPLOY.resolve(LIVE_BASE + ".squashfs");
        String listing = Host.output(DIR, "unsquashfs", "-l", squashfs.toString());
        assertThat(listing).contains("usr/share/strata-it/strata-it-repo.txt", "usr/share/strata-it/strata-it-local.txt")
                .doesNotContain("strata-temp-repo", "strata-debs-", "var/lib/apt/lists/127.0.0.1");
        Path liveEtc = DIR.resolve("live-etc");
        Host.output(DIR, "unsquashfs", "-d", liveEtc.toString(), squashfs.toString(), "etc/apt");
        try (var files = Files.walk(liveEtc)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain("127.0.0.1:" + repo.port());
            }
        }
        assertThat(Files.readString(DIR.resolve("work/build.log"))).doesNotContain(LIVE_PASSWORD);
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(DIR.resolve("work/export/live-live")).doesNotExist();

        for (List<String> firmware : List.of(List.<String>of(), List.of("--uefi"))) {
            List<String> argv = new java.util.ArrayList<>(List.of(REPO.resolve("imagetool").toString(), "--boot",
                    iso.toString(), "-c", liveConfig.toString()));
            argv.addAll(firmware);
            Host.Result boot = Host.run(REPO, argv.toArray(String[]::new));
            assertThat(boot.exitCode()).as(firmware + boot.output()).isZero();
            assertThat(boot.output()).contains("PASS  login", "liveuser on the serial console", "PASS  hostname",
                    "PASS  sudo", "PASS  system running", "PASS  root read-write", "PASS  live medium",
                    "Boot check passed").doesNotContain("FAIL");
            assertThat(DEPLOY.resolve(LIVE_BASE + ".boot-console.log")).content().doesNotContain(LIVE_PASSWORD);
            assertThat(HostLeftovers.below(DIR)).isEmpty();
        }
    }

    /**
     * The tree: stage3a names stage2 as the stage it builds on (PREV_STAGE), so in this work dir it
     * is a second branch on the one stage2, beside the live stage. stage2 was built once, by the first
     * build. The litex image, exported with ROOTFS_RO=1, then boots into X on a read-only root, the
     * boot check takes its screenshot, reboots it, finds its changes gone and its own SSH host key kept.
     */
    @Test
    @Order(11)
    void aSecondBranchOnTheSharedStage2MakesTheLitexImageThatBootsIntoXOnAReadOnlyRoot() throws Exception {
        Path liveStage = DIR.resolve("stages/live");
        // stage3a's image is also the suite's ROOTFS_RO image ("suitable for ROOTFS_RO", as the spec
        // says of its desktops): ROOTFS_RO changes only the export, so the stages are reused.
        Path treeConfig = Files.writeString(DIR.resolve("tree.cfg"), Files.readString(config)
                + "STAGE_LIST=\"stage0 stage1 stage2 " + liveStage + " stage3a\"\n"
                + "SKIP_IMAGES_LIST=\"stage2 live\"\nROOTFS_RO=1\nROOTFS_RO_OVERLAY_TMPFS_SIZE=96M\n");
        Host.Result dry = Host.run(REPO, REPO.resolve("build").toString(), "--dry-run", "-c", treeConfig.toString());
        assertThat(dry.output()).contains("""
                     └─ stage2
                        ├─ live
                        └─ stage3a  [image]
                """);
        Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", treeConfig.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[stage2] reused (nothing changed)",
                "[live] rebuilt because ROOTFS_RO is new", // it has no VARIABLES file: every variable keys it
                "[stage3a] rebuilt because it has no finished image", "[stage3a]   image export ok");
        String log = Files.readString(DIR.resolve("work/build.log"));
        assertThat(log).contains("stage stage3a from " + REPO.resolve("stages/stage3a") + ", on stage2,");
        assertThat(log.split("stage stage2 from ", -1)).as("stage2 is built once for every branch").hasSize(2);
        String litex = "image_2026-11-22-it-lite-litex";
        assertThat(DEPLOY.resolve(litex + ".zip")).isNotEmptyFile();
        assertThat(DEPLOY.resolve(LIVE_BASE + ".iso")).isNotEmptyFile();
        Path litexImage = unzip(DEPLOY.resolve(litex + ".zip"), DIR.resolve(litex + ".img"));
        assertThat(debugfs(litexImage, "cat /boot/grub/grub.cfg"))
                .contains("strata.overlay=98304k", "maintenance: read-write root", "strata.rw", "set timeout=3");
        assertThat(debugfs(litexImage, "cat /etc/fstab")).contains("fmask=0177,dmask=0077");
        assertThat(debugfs(litexImage, "stat /etc/systemd/system/apt-daily.timer")).as("apt-daily is masked")
                .contains("/dev/null");

        Path screen = DIR.resolve("litex.png");
        Host.Result boot = Host.run(REPO, REPO.resolve("imagetool").toString(), "--boot", litexImage.toString(),
                "-c", treeConfig.toString(), "--screenshot", screen.toString(), "--ssh-key", DIR.resolve("id_test").toString());
        assertThat(boot.exitCode()).as(boot.output()).isZero();
        assertThat(boot.output()).contains("PASS  system running", "SKIP  display manager", "PASS  X display",
                "X answers on :0", "PASS  screenshot", "PASS  root read-only", "PASS  overlay writable",
                "PASS  overlay size", "tmpfs of 98304 KiB", "PASS  login again", "PASS  changes gone", "PASS  host key kept",
                "PASS  sshd listening", "PASS  ssh key login", "Boot check passed").doesNotContain("FAIL");
        byte[] png = readStart(screen, 8);
        assertThat(png).as("a PNG file").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    private static Host.Result bootBroken(Path broken) throws Exception {
        return Host.run(REPO, REPO.resolve("imagetool").toString(), "--boot", broken.toString(), "-c", config.toString(),
                "--timeout", "240");
    }

    private static byte[] readStart(Path file, int bytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(bytes);
        }
    }

    private static long rootOffset() throws Exception {
        return rootOffset(image);
    }

    /**
     * A second work dir building stage1 again on the same package cache gets the initramfs from the
     * initramfs cache: byte for byte the cache's entry, no update-initramfs run.
     */
    @Test
    @Order(12)
    void aSecondWorkDirTakesStage1sInitramfsFromTheCache() throws Exception {
        Path work = DIR.resolve("work-initramfs");
        Files.createDirectories(work);
        // stage0 as the first build sealed it (the trick a user can play too), so only stage1 is built
        for (String file : List.of("image-stage0.qcow2", "stage0.done")) {
            Files.copy(DIR.resolve("work").resolve(file), work.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        // No stage store here: stage1 must be built again, not taken from the store.
        Path again = Files.writeString(DIR.resolve("initramfs.cfg"), Files.readString(config)
                + "WORK_DIR=" + work + "\nSTAGE_LIST=\"stage0 stage1\"\nSTAGE_STORE_DIR=\n");
        Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", again.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[stage0] reused", "[stage1]   finish (initramfs, build-time files) ok");
        // The cache is the host's: a build beside this one (ConcurrentBuildsIT's trixie PC image) may
        // have kept the entry for the same key, so the stage's initramfs is compared with the entry.
        Matcher reused = Pattern.compile("initramfs for \\S+: reused from the cache \\((\\S+)\\)")
                .matcher(Files.readString(work.resolve("build.log")));
        assertThat(reused.find()).as("build.log names the cache entry it reused").isTrue();
        Path cached = Path.of(reused.group(1));

        Path second = DIR.resolve("mnt-second");
        mount(work.resolve("image-stage1.qcow2"), second);
        try {
            List<Path> initrds;
            try (var files = Files.list(second.resolve("boot"))) {
                initrds = files.filter(f -> f.getFileName().toString().startsWith("initrd.img-")).toList();
            }
            assertThat(initrds).hasSize(1);
            assertThat(initrds.get(0)).hasSameBinaryContentAs(cached);
        } finally {
            umount(second);
        }
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    /**
     * The stage store: a second image name in a new work dir takes stage0 to stage2 from the store (the
     * first build kept them there), builds nothing, and exports an image with the same system as the
     * first (what differs is what is named after IMG_NAME, and the disk ids, derived from the export's key, of which IMG_NAME is part).
     * imagetool lists the store, and a prune takes every stage but those a work dir still uses.
     */
    @Test
    @Order(13)
    void aSecondImageNameInANewWorkDirTakesEveryStageFromTheStageStore() throws Exception {
        Path work = DIR.resolve("work-store");
        Path deploy = DIR.resolve("deploy-store");
        Path second = Files.writeString(DIR.resolve("store.cfg"), Files.readString(config).replace("IMG_NAME=it-lite",
                "IMG_NAME=it-store") + "WORK_DIR=" + work + "\nDEPLOY_DIR=" + deploy + "\nDEPLOY_COMPRESSION=none\n");
        Host.Result build = Host.run(REPO, REPO.resolve("build").toString(), "-c", second.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        for (String stage : List.of("stage0", "stage1", "stage2")) {
            assertThat(build.output()).contains("[" + stage + "] reused from the stage store (built for it-lite on ");
        }
        assertThat(build.output()).doesNotContain("rebuilt because").contains("[stage2]   image export ok");
        assertThat(Files.readString(work.resolve("build.log"))).doesNotContain("stage stage0: 00-configure-apt");
        String chain = Host.output(DIR, "qemu-img", "info", "--backing-chain", work.resolve("image-stage2.qcow2").toString());
        assertThat(chain).contains(DIR.resolve("store/layers").toString());

        Path storeImage = deploy.resolve("image_2026-11-22-it-store-lite.img");
        String info = Files.readString(deploy.resolve("image_2026-11-22-it-store-lite.info"));
        String firstInfo = Files.readString(DEPLOY.resolve(BASE + ".info"));
        assertThat(info.substring(info.indexOf("\nPackages ("))).isEqualTo(firstInfo.substring(firstInfo.indexOf("\nPackages (")));
        assertThat(info).contains("IMG_NAME=it-store");
        for (String file : List.of("/var/lib/dpkg/status", "/etc/shadow", "/etc/hostname", "/etc/passwd", "/etc/default/keyboard")) {
            assertThat(debugfs(storeImage, "cat " + file)).as(file).isEqualTo(debugfs(image, "cat " + file));
        }

        Host.Result list = Host.run(REPO, REPO.resolve("imagetool").toString(), "--store", "-c", second.toString());
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("stage0", "stage1", "stage2", "it-lite", "in use by a work dir");
        // Only work-store's stages are overlays of stored layers; every other work dir built its own images,
        // so the store's copies of live (two: ROOTFS_RO keys the second) and stage3a are the only ones a prune may take.
        Host.Result prune = Host.run(REPO, REPO.resolve("imagetool").toString(), "--prune", "0", "-c", second.toString());
        assertThat(prune.exitCode()).as(prune.output()).isZero();
        assertThat(prune.output()).contains("Pruned 3 stage(s)", " live (", " stage3a (");
        Host.Result left = Host.run(REPO, REPO.resolve("imagetool").toString(), "--store", "-c", second.toString());
        assertThat(left.output()).contains("3 stage(s)", "stage0", "stage1", "stage2").doesNotContain("stage3a");
        Host.Result again = Host.run(REPO, REPO.resolve("build").toString(), "-c", second.toString());
        assertThat(again.output()).as("nothing it uses was pruned").contains("[stage2] reused (nothing changed)");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    /**
     * The remote stage store: a registry on 127.0.0.1 (docker-registry, with a login). One build pushes
     * stage0 to stage2 (from the local store); a build in a fresh work dir with an empty local store
     * (given the store's salt, as every machine of a fleet is) pulls every stage, builds nothing, and its
     * stage2 is block for block the first build's (whose image boots). Then three faults, each with the
     * registry's copy of a small stage on top: a wrong login, a tampered layer and a stopped registry;
     * each build says why and builds the stage itself.
     */
    @Test
    @Order(14)
    void aFreshMachinePullsEveryStageFromTheRegistryAndFaultsFallBackToBuilding() throws Exception {
        String password = "Registry-Secret-77";
        try (TestRegistry registry = TestRegistry.start(DIR.resolve("registry"), password)) {
            Map<String, String> login = Map.of("DOCKER_CONFIG", registry.login(DIR.resolve("docker"), password).toString());
            String url = registry.url("strata/stages");
            Path tiny = Files.createDirectories(DIR.resolve("stages/tiny/00-a"));
            Files.writeString(tiny.resolveSibling("PREV_STAGE"), "stage2\n");
            Files.writeString(tiny.resolve("00-run-chroot.sh"), "echo tiny > /etc/strata-tiny\n");
            Path publish = Files.writeString(DIR.resolve("publish.cfg"), Files.readString(config) + "WORK_DIR=" + DIR
                    + "/work-publish\nSTAGE_STORE_URL=" + url + "\nSKIP_IMAGES_LIST=\"stage2\"\n");
            Host.Result pushed = buildWith(publish, login);
            assertThat(pushed.output()).contains("[stage0]   note: pushed to the stage store " + url, "[stage2]   note: pushed to the stage store");

            Path store = Files.createDirectories(DIR.resolve("store-pull"));
            Files.copy(DIR.resolve("store/key-salt"), store.resolve("key-salt"), StandardCopyOption.COPY_ATTRIBUTES);
            Path pull = Files.writeString(DIR.resolve("pull.cfg"), Files.readString(config).replace("IMG_NAME=it-lite",
                    "IMG_NAME=it-pull") + "WORK_DIR=" + DIR + "/work-pull\nSTAGE_STORE_DIR=" + store + "\nSTAGE_STORE_URL=" + url
                    + "\nSKIP_IMAGES_LIST=\"stage2\"\n");
            Host.Result pulled = buildWith(pull, login);
            for (String stage : List.of("stage0", "stage1", "stage2")) {
                assertThat(pulled.output()).contains("[" + stage + "] reused from the stage store (built for it-lite on ");
            }
            assertThat(pulled.output()).doesNotContain("rebuilt because").contains("pulled ", " MiB");
            assertThat(Files.readString(DIR.resolve("work-pull/build.log"))).contains("stage stage2 pulled from " + url);
            // What it pulled is, block for block, the system the first build made (and exported and booted).
            Host.Result same = Host.run(DIR, "qemu-img", "compare", "-U", DIR.resolve("work-pull/image-stage2.qcow2").toString(),
                    DIR.resolve("work/image-stage2.qcow2").toString());
            assertThat(same.exitCode()).as(same.output()).isZero();
            assertThat(same.output()).contains("Images are identical");

            // The small stage on top, in the registry only.
            String withTiny = "STAGE_LIST=\"stage0 stage1 stage2 " + tiny.getParent() + "\"\nSKIP_IMAGES_LIST=\"stage2\"\n";
            Files.writeString(publish, Files.readString(publish) + withTiny);
            assertThat(buildWith(publish, login).output()).contains("[tiny]   note: pushed to the stage store");
            String tinyKey = Files.readAllLines(DIR.resolve("work-publish/tiny.done")).stream()
                    .filter(l -> l.startsWith("key ")).findFirst().orElseThrow().substring(4);

            Path wrong = Files.writeString(DIR.resolve("fault-login.cfg"), Files.readString(pull) + withTiny
                    + "WORK_DIR=" + DIR + "/work-fault-login\n");
            Host.Result refused = buildWith(wrong, Map.of("DOCKER_CONFIG",
                    registry.login(DIR.resolve("docker-wrong"), "not-the-password").toString()));
            assertThat(refused.output()).contains("[tiny]   note: the stage store " + url + " could not give it (",
                    "the login was refused (HTTP 401)", "[tiny]   00-a/00-run-chroot.sh ok").doesNotContain("not-the-password");
            forgetStored(store, tinyKey);

            tamper(registry, tinyKey);
            Path tampered = Files.writeString(DIR.resolve("fault-tampered.cfg"), Files.readString(pull) + withTiny
                    + "WORK_DIR=" + DIR + "/work-fault-tampered\n");
            assertThat(buildWith(tampered, login).output()).contains("[tiny]   note: the stage store " + url + " could not give it (",
                    "does not match its digest", "[tiny]   00-a/00-run-chroot.sh ok");
            forgetStored(store, tinyKey);

            registry.stop();
            Path stopped = Files.writeString(DIR.resolve("fault-stopped.cfg"), Files.readString(pull) + withTiny
                    + "WORK_DIR=" + DIR + "/work-fault-stopped\n");
            assertThat(buildWith(stopped, login).output()).contains("[tiny]   note: the stage store " + url + " could not give it (",
                    "cannot connect", "[tiny]   00-a/00-run-chroot.sh ok");
        }
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }

    private static Host.Result buildWith(Path config, Map<String, String> env) throws Exception {
        Host.Result build = Host.run(java.time.Duration.ofMinutes(30), REPO, env, REPO.resolve("build").toString(), "-c",
                config.toString());
        assertThat(build.exitCode()).as(build.output()).isZero();
        return build;
    }

    /** Drops a stage from a local store, so the next build must ask the registry again. */
    private static void forgetStored(Path store, String key) throws IOException {
        org.apache.commons.io.FileUtils.deleteDirectory(store.resolve("layers").resolve(key).toFile());
    }

    /** Flips a byte in the middle of the layer blob the registry holds for {@code key}. */
    private static void tamper(TestRegistry registry, String key) throws Exception {
        Path repository = DIR.resolve("registry/storage/docker/registry/v2/repositories/strata/stages");
        String manifestDigest = Files.readString(repository.resolve("_manifests/tags/" + key + "/current/link")).strip();
        com.fasterxml.jackson.databind.JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(registry.blob(manifestDigest.substring(7)).toFile());
        String layer = manifest.get("layers").get(0).get("digest").asText().substring(7);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(registry.blob(layer).toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
    }

    private static void mount(Path stageImage, Path mountPoint) throws Exception {
        Host.Result mount = Host.run(REPO, REPO.resolve("imagetool").toString(), "--mount", stageImage.toString(),
                mountPoint.toString());
        assertThat(mount.exitCode()).as(mount.output()).isZero();
    }

    private static void umount(Path mountPoint) throws Exception {
        Host.Result umount = Host.run(REPO, REPO.resolve("imagetool").toString(), "--umount", mountPoint.toString());
        assertThat(umount.exitCode()).as(umount.output()).isZero();
    }

    private static long rootOffset(Path disk) throws Exception {
        return RootFileSystem.offset(disk);
    }

    private static String diskSignature() throws IOException {
        byte[] mbr = new byte[512];
        try (InputStream in = Files.newInputStream(image)) {
            assertThat(in.readNBytes(mbr, 0, 512)).isEqualTo(512);
        }
        return String.format("%02x%02x%02x%02x", mbr[443], mbr[442], mbr[441], mbr[440]);
    }

    private static String rootFile(String path) throws Exception {
        return debugfs("cat " + path);
    }

    private static String debugfs(String request) throws Exception {
        return debugfs(image, request);
    }

    /** debugfs's answer to {@code request} on the root file system of {@code disk}, its banner taken off. */
    private static String debugfs(Path disk, String request) throws Exception {
        Host.Result result = Host.run(DIR, "debugfs", "-R", request, disk + "?offset=" + rootOffset(disk));
        return result.output().replaceFirst("^debugfs [^\n]*\n", "");
    }
}
