package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;

/**
 * A table of bad configs, stage trees and command lines, each run through {@code ./build} or
 * {@code ./imagetool} as a user would: each must give exit 2 (bad input) or 1 (a failed build) with a
 * message that names the cause, and leave nothing attached. The cases that reach a build share one
 * bootstrapped base stage (CONTINUE=1).
 */
@Tag("integration")
class BadInputIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-bad");
    private static final String GOOD = "IMG_NAME=bad\nTARGET_RASPI=0\nTARGET_ARCH=amd64\nWORK_DIR=" + DIR + "/work\n";

    private static final String LOCK_HEADER = "# Strata package lock of image_x.img (Debian trixie, ";

    /** One row: a name, what to set up, the command's arguments, the exit code and what the output must say. */
    record Case(String name, String config, Map<String, String> files, List<String> args, int exit, String says,
            String never) {
        Case(String name, String config, Map<String, String> files, List<String> args, int exit, String says) {
            this(name, config, files, args, exit, says, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case dry(String name, String config, int exit, String says) {
        return new Case(name, config, Map.of(), List.of("build", "--dry-run"), exit, says);
    }

    /** A dry run whose output must never show {@code never} (a secret). */
    private static Case dryNever(String name, String config, String says, String never) {
        return new Case(name, config, Map.of(), List.of("build", "--dry-run"), 2, says, never);
    }

    private static Case tree(String name, String stageList, Map<String, String> files, int exit, String says) {
        return new Case(name, GOOD + "STAGE_LIST=\"" + stageList + "\"\n", files, List.of("build", "--dry-run"), exit, says);
    }

    private static Case built(String name, String stage, Map<String, String> files, int exit, String says) {
        return new Case(name, GOOD + "CONTINUE=1\nSTAGE_LIST=\"" + DIR + "/stages/base " + DIR + "/stages/" + stage + "\"\n",
                files, List.of("build"), exit, says);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                dry("IMG_NAME missing", "TARGET_RASPI=0\nTARGET_ARCH=amd64\n", 2, "IMG_NAME is not set"),
                dry("IMG_NAME with a slash", GOOD + "IMG_NAME=a/b\n", 2, "IMG_NAME='a/b'"),
                dry("IMG_DATE with spaces", GOOD + "IMG_DATE='22 Nov'\n", 2, "IMG_DATE='22 Nov'"),
                dry("unknown architecture", GOOD + "TARGET_ARCH=sparc\n", 2, "TARGET_ARCH='sparc' is not supported"),
                dry("Raspberry Pi on amd64", GOOD + "TARGET_RASPI=1\n", 2, "TARGET_RASPI=1 needs TARGET_ARCH=arm64 or armhf"),
                dry("unknown release", GOOD + "RELEASE=buster\n", 2, "RELEASE='buster' is not a Debian release Strata builds: write one of bullseye (11), bookworm (12), trixie (13, the default)"),
                dry("i386 on trixie", GOOD + "TARGET_ARCH=i386\nRELEASE=trixie\n", 2,
                        "TARGET_ARCH=i386 with RELEASE=trixie: Debian 13 ships no i386 kernel"),
                dry("WPA_PASSWORD too short", GOOD + "WPA_PASSWORD=short\n", 2, "WPA_PASSWORD has 5 characters"),
                dry("WPA_PASSWORD too long", GOOD + "WPA_PASSWORD=" + "x".repeat(64) + "\n", 2, "WPA_PASSWORD has 64 characters"),
                dry("user name with a space", GOOD + "FIRST_USER_NAME='Bad User'\n", 2, "FIRST_USER_NAME='Bad User'"),
                dry("unknown boot file system", GOOD + "BOOT_FSTYPE=ntfs\n", 2, "BOOT_FSTYPE='ntfs' is not supported"),
                dry("ext4 boot partition on a Pi", GOOD + "TARGET_RASPI=1\nTARGET_ARCH=arm64\nBOOT_FSTYPE=ext4\n", 2,
                        "cannot boot a Raspberry Pi"),
                dry("size without a unit", GOOD + "BASE_QCOW2_SIZE=lots\n", 2, "BASE_QCOW2_SIZE='lots' is not a size"),
                dry("stage image too small", GOOD + "BASE_QCOW2_SIZE=100M\n", 2, "too small for a root filesystem"),
                dry("ssh with the default password", GOOD + "ENABLE_SSH=1\n", 2, "high risk of attackers"),
                dry("proxy that is no URL", GOOD + "APT_PROXY=cache:3142\n", 2, "APT_PROXY='cache:3142' is not a proxy URL"),
                dry("mirror that is no URL", GOOD + "APT_MIRROR=deb.debian.org\n", 2, "APT_MIRROR='deb.debian.org'"),
                dry("unknown compression", GOOD + "DEPLOY_COMPRESSION=rar\n", 2, "DEPLOY_COMPRESSION='rar'"),
                dry("compression level 12", GOOD + "COMPRESSION_LEVEL=12\n", 2, "COMPRESSION_LEVEL='12'"),
                dry("switch set to yes", GOOD + "CONTINUE=yes\n", 2, "CONTINUE='yes' is not a switch"),
                dry("work dir with a space", GOOD + "WORK_DIR='/tmp/my work'\n", 2, "WORK_DIR='/tmp/my work' contains white space"),
                dry("config that exits non-zero", GOOD + "false\n", 2, "bad.cfg"),
                dry("config that writes to stdout", GOOD + "echo hello\n", 2, "writes to standard output"),
                dry("binary junk", GOOD + "\u0000\u0001\u0002junk\n", 2, "NUL"),
                dry("10 MB config", GOOD + "#" + "x".repeat(10 << 20) + "\n", 2, "larger than 1 MiB"),
                // Values are data: each one that would break out of the file it lands in is refused.
                dry("IMG_NAME ..", GOOD + "IMG_NAME=..\n", 2, "IMG_NAME='..' would name a directory outside"),
                dry("host name with a newline", GOOD + "TARGET_HOSTNAME=$'box\\n127.0.0.1 evil'\n", 2,
                        "TARGET_HOSTNAME='box\\x0a127.0.0.1 evil' is not a host name"),
                dry("locale with a sed command", GOOD + "LOCALE_DEFAULT='en_US.UTF-8/e reboot'\n", 2,
                        "LOCALE_DEFAULT='en_US.UTF-8/e reboot' is not valid"),
                dry("time zone outside the tz database", GOOD + "TIMEZONE_DEFAULT=../../etc/passwd\n", 2,
                        "TIMEZONE_DEFAULT='../../etc/passwd' is not a tz database name"),
                dry("keymap with a quote", GOOD + "KEYBOARD_KEYMAP='us\"'\n", 2, "KEYBOARD_KEYMAP='us\"' is not valid"),
                dry("keyboard layout with a tab", GOOD + "KEYBOARD_LAYOUT=$'English\\tUS'\n", 2,
                        "KEYBOARD_LAYOUT='English\\x09US' is not valid"),
                dry("unknown Wi-Fi country", GOOD + "WPA_ESSID=home\nWPA_COUNTRY=XX\n", 2, "ISO 3166-1 alpha-2"),
                dry("mount options with a space", GOOD + "BOOT_FSOPTIONS='rw noatime'\n", 2, "BOOT_FSOPTIONS='rw noatime'"),
                dry("network name of 33 bytes", GOOD + "WPA_ESSID=" + "n".repeat(33) + "\n", 2, "WPA_ESSID has 33 bytes"),
                dryNever("Wi-Fi password that is not ASCII", GOOD + "WPA_ESSID=home\nWPA_PASSWORD='caf\u00e9-Secret-42'\n",
                        "not printable ASCII", "Secret-42"),
                dry("public key that is not one", GOOD + "PUBKEY_SSH_FIRST_USER='not a key'\n", 2,
                        "PUBKEY_SSH_FIRST_USER is not one SSH public key"),
                dry("first user root", GOOD + "FIRST_USER_NAME=root\n", 2, "an account or group the system already has"),
                dry("empty password", GOOD + "FIRST_USER_PASS=\n", 2, "FIRST_USER_PASS is empty"),
                dry("proxy with a quote", GOOD + "APT_PROXY='http://cache:3142\";'\n", 2, "is not a proxy URL apt can use"),
                dry("temp repo with a second line", GOOD + "TEMP_REPO=$'deb http://x.org/d RELEASE main\\ndeb http://y.org/d b c'\n", 2,
                        "TEMP_REPO='deb http://x.org/d RELEASE main\\x0adeb"),
                dry("temp repo that is no source line", GOOD + "TEMP_REPO='http://x.org/d RELEASE main'\n", 2,
                        "write deb [OPTIONS] URI SUITE COMPONENT"),
                dry("work dir /", GOOD + "WORK_DIR=/\n", 2, "WORK_DIR=/ is the root or a system directory"),
                dry("deploy dir /etc", GOOD + "DEPLOY_DIR=/etc\n", 2, "DEPLOY_DIR=/etc is the root or a system directory"),
                dry("package cache /", GOOD + "PACKAGE_CACHE_DIR=/\n", 2, "PACKAGE_CACHE_DIR=/ is the root or a system"),
                dry("package cache with a command in it", GOOD + "PACKAGE_CACHE_DIR='/tmp/$(touch${IFS}/tmp/strata-pwned)'\n", 2,
                        "holds characters that the build's tools"),
                dry("work dir inside the deploy dir", GOOD + "DEPLOY_DIR=" + DIR + "\n", 2, "lies inside DEPLOY_DIR"),
                dry("config that exits 0 half way", GOOD + "exit 0\nFIRST_USER_PASS=never-read\n", 2, "ends bash with `exit`"),
                dry("config that hangs", GOOD + "sleep 300\n", 2, "did not finish within 30 s"),
                dryNever("failing config with a secret", GOOD + "WPA_ESSID=home\nWPA_PASSWORD=correct horse battery staple\n",
                        "failed when bash sourced it", "horse"),
                new Case("./config with binary junk", GOOD, Map.of("config", "\u0000junk\n"), List.of("build", "--dry-run"), 2,
                        "config file " + DIR + "/config holds binary data"),
                tree("STAGE_LIST /", "/", Map.of(), 2, "STAGE_LIST entry '/' is not a stage directory"),
                tree("debs directory with a file that is no package", DIR + "/stages/debs",
                        Map.of("stages/debs/00-a/00-debs/readme.txt", "see the .deb\n"), 2,
                        "00-debs/readme.txt is not a .deb file"),
                tree("package list with an option", DIR + "/stages/optpkg",
                        Map.of("stages/optpkg/00-a/00-packages", "less --allow-unauthenticated\n"), 2,
                        "lists '--allow-unauthenticated', which is not a Debian package name"),
                new Case("missing config file", null, Map.of(), List.of("build", "--dry-run"), 2, "does not exist"),
                tree("STAGE_LIST entry that does not exist", "/nonexistent/stage9", Map.of(), 2,
                        "STAGE_LIST entry '/nonexistent/stage9'"),
                tree("two stages with one name", DIR + "/stages/one " + DIR + "/other/one",
                        Map.of("stages/one/00-a/00-packages", "less\n", "other/one/00-a/00-packages", "less\n"), 2,
                        "STAGE_LIST names two stages called one"),
                tree("STAGE_LIST with quotes", "'stage0'", Map.of(), 2, "quote character"),
                tree("substage without its number", DIR + "/stages/nonum",
                        Map.of("stages/nonum/tools/00-packages", "less\n"), 2, "is not a substage"),
                tree("EXPORT_IMAGE that fails", DIR + "/stages/badexport",
                        Map.of("stages/badexport/00-a/00-packages", "less\n", "stages/badexport/EXPORT_IMAGE", "exit 3\n"), 2,
                        "EXPORT_IMAGE fails when bash sources it"),
                tree("EXPORT_IMAGE with an unsafe suffix", DIR + "/stages/badsuffix",
                        Map.of("stages/badsuffix/00-a/00-packages", "less\n", "stages/badsuffix/EXPORT_IMAGE",
                                "IMG_SUFFIX='-a b/c'\n"), 2, "may hold only letters"),
                tree("stage that is a file", DIR + "/stages/plainfile", Map.of("stages/plainfile", "not a dir\n"), 2,
                        "STAGE_LIST entry"),
                new Case("offline, with a locked package the cache lacks", GOOD + "PACKAGE_CACHE_DIR=" + DIR + "/cache\n"
                        + "PACKAGE_LOCK=" + DIR + "/x.lock\nOFFLINE=1\n", Map.of("x.lock", LOCK_HEADER + "amd64): fields\n"
                                + "strata-none 1.0 all " + "0".repeat(64) + " deb.debian.org/debian trixie/main optional misc\n"),
                        List.of("build"), 2, "strata-none 1.0 all (deb.debian.org/debian trixie/main)"),
                new Case("a lock of another target", GOOD + "PACKAGE_CACHE_DIR=" + DIR + "/cache\nPACKAGE_LOCK=" + DIR
                        + "/x.lock\n", Map.of("x.lock", LOCK_HEADER + "arm64): fields\n"
                                + "strata-none 1.0 all " + "0".repeat(64) + " deb.debian.org/debian trixie/main optional misc\n"),
                        List.of("build"), 2, "locks Debian trixie for arm64, but this build makes Debian trixie for amd64"),
                new Case("a lock line that is no entry", GOOD + "PACKAGE_LOCK=" + DIR + "/x.lock\n",
                        Map.of("x.lock", LOCK_HEADER + "amd64): fields\nstrata-none 1.0 all $(touch /tmp/strata-pwned)\n"),
                        List.of("build"), 2, "line 2 is not \"NAME VERSION ARCH SHA256"),
                new Case("boot check of a missing image", GOOD, Map.of(), List.of("imagetool", "--boot", DIR + "/nope.img"), 2,
                        "no such file"),
                new Case("boot check of a non-image", GOOD, Map.of("notes.txt", "hello\n"),
                        List.of("imagetool", "--boot", DIR + "/notes.txt"), 2, "is not an exported image"),
                new Case("boot check with a 5 s timeout", GOOD, Map.of("x.img", "\n"),
                        List.of("imagetool", "--boot", DIR + "/x.img", "--timeout", "5"), 2, "too short for a boot"),
                new Case("cleanup of a work dir that does not exist", GOOD.replace(DIR + "/work", DIR + "/nowork"), Map.of(),
                        List.of("imagetool", "--cleanup"), 2, "does not exist"),
                built("package that does not exist", "nopkg",
                        Map.of("stages/nopkg/00-a/00-packages", "strata-no-such-package\n"), 1,
                        "stage nopkg, 00-a/00-packages failed"),
                built("patch that does not apply", "badpatch",
                        Map.of("stages/badpatch/00-a/00-patches/series", "broken.diff\n",
                                "stages/badpatch/00-a/00-patches/broken.diff",
                                "--- a/rootfs/etc/no-such-file\n+++ b/rootfs/etc/no-such-file\n@@ -1 +1 @@\n-old\n+new\n"),
                        1, "stage badpatch, 00-a/00-patches failed"),
                built("a symlink in the image leads no step out of the root", "escape",
                        Map.of("stages/escape/00-a/00-run-chroot.sh",
                                "umount /etc/resolv.conf 2>/dev/null || true\n"
                                        + "ln -sfn ../run/../../../../../../../../../../tmp/strata-escape-probe /etc/resolv.conf\n",
                                "stages/escape/00-a/01-run-chroot.sh", "echo after-the-link\n"), 0, "[escape] done in"),
                built("chroot script that fails", "failing",
                        Map.of("stages/failing/00-a/00-run-chroot.sh", "echo about to fail\nfalse\n"), 1,
                        "about to fail")));
        return cases.stream();
    }

    @BeforeAll
    static void freshDir() throws IOException, InterruptedException {
        HostLeftovers.assumeRootWith("mmdebstrap", "qemu-nbd", "nbdfuse", "unshare", "quilt");
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        org.apache.commons.io.FileUtils.deleteDirectory(DIR.toFile());
        Files.createDirectories(DIR.resolve("stages/base"));
        Path prerun = Files.writeString(DIR.resolve("stages/base/prerun.sh"), "#!/bin/bash -e\nbootstrap \"${RELEASE}\" \"${ROOTFS_DIR}\"\n");
        Files.setPosixFilePermissions(prerun, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(DIR.resolve("stages/base/00-empty"));
    }

    @AfterAll
    static void nothingLeft() throws IOException, InterruptedException {
        assertThat(HostLeftovers.below(DIR)).isEmpty();
        assertThat(Path.of("/tmp/strata-escape-probe")).as("written through a symlink out of a stage's root").doesNotExist();
        assertThat(Path.of("/tmp/strata-pwned")).as("a config value ran as code").doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAClearMessage(Case c) throws Exception {
        for (Map.Entry<String, String> file : c.files().entrySet()) {
            Path path = DIR.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        List<String> argv = new ArrayList<>();
        argv.add(REPO.resolve(c.args().get(0)).toString());
        argv.addAll(c.args().subList(1, c.args().size()));
        Path config = DIR.resolve("bad.cfg");
        Files.deleteIfExists(config);
        if (c.config() != null) {
            Files.writeString(config, c.config());
        }
        argv.addAll(List.of("-c", config.toString()));
        Host.Result result;
        try {
            result = Host.run(Duration.ofMinutes(20), DIR, Map.of(), argv.toArray(String[]::new));
        } finally {
            for (String file : c.files().keySet()) {
                Files.deleteIfExists(DIR.resolve(file));
            }
        }
        assertThat(result.exitCode()).as(result.output()).isEqualTo(c.exit());
        assertThat(result.output()).contains(c.says());
        if (c.never() != null) {
            assertThat(result.output()).doesNotContain(c.never());
        }
        assertThat(HostLeftovers.below(DIR)).isEmpty();
    }
}
