package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.strata.testing.Host;
import io.strata.testing.HostLeftovers;

/**
 * A new user's machine, made in the test: a fresh Debian minbase root holding only what the README's
 * install line installs (and .ci/run's certificates), with this checkout bind-mounted at /strata. In
 * it, {@code ./build} compiles Strata, installs the host tools from {@code depends} that its target
 * needs (and no others) by itself, and bootstraps a Raspberry Pi arm64 stage0. A tool missing from
 * {@code depends} fails here, whatever this host has installed by hand.
 */
@Tag("integration")
// Seven minutes of a machine made from nothing: the full suite runs it, the quick one leaves it out.
@Tag("clean-room")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CleanRoomIT {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Path DIR = REPO.resolve("target/it-cleanroom");
    private static final Path ROOT = DIR.resolve("root");
    private static final Duration ROOM_LIMIT = Duration.ofMinutes(8);
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(12);

    /**
     * Enters the room in a private mount namespace, so that every mount made here goes with it: /dev,
     * /proc, /sys, a tmpfs on /run, the checkout, and the room's own directory over its target/ (the room
     * compiles its own jar and never touches this one). binfmt_misc is the host's: qemu-user-static registers with
     * the F flag, so the handlers work inside.
     */
    private static final String ENTER = """
            set -e
            root=$1 repo=$2
            shift 2
            # The room's root is a mount point, as a machine's or a container's is (unshare needs it).
            mount --bind "$root" "$root"
            mount --rbind /dev "$root/dev"
            mount -t proc proc "$root/proc"
            mount --rbind /sys "$root/sys"
            mount -t tmpfs tmpfs "$root/run"
            mkdir -p "$root/strata"
            mount --bind "$repo" "$root/strata"
            mkdir -p "$root/var/tmp/strata-target"
            mount --bind "$root/var/tmp/strata-target" "$root/strata/target"
            exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \\
                PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
            """;

    @BeforeAll
    static void makeTheRoom() throws IOException, InterruptedException {
        HostLeftovers.assumeRootWith("mmdebstrap", "unshare", "chroot");
        assertThat(HostLeftovers.below(DIR)).as("attached from an earlier run").isEmpty();
        Host.output(REPO, "rm", "-rf", "--one-file-system", DIR.toString());
        Files.createDirectories(DIR);
        List<String> packages = new java.util.ArrayList<>(readmeInstallLine());
        packages.add("ca-certificates");
        Host.Result room = Host.run(ROOM_LIMIT, DIR, Map.of(), "mmdebstrap", "--mode=root", "--variant=minbase",
                "--dpkgopt=force-unsafe-io", "--include=" + String.join(",", packages), "bookworm", ROOT.toString(),
                "http://deb.debian.org/debian");
        assertThat(room.exitCode()).as(room.output()).isZero();
        giveTheHostsNetworkSetup();
    }

    /** The packages the README tells a new user to install before ./build. */
    static List<String> readmeInstallLine() throws IOException {
        Matcher line = Pattern.compile("`apt-get install ([a-z0-9.+ -]+)`").matcher(Files.readString(REPO.resolve("README.md")));
        assertThat(line.find()).as("README.md names an `apt-get install ...` line for Java and Maven").isTrue();
        return List.of(line.group(1).trim().split(" +"));
    }

    /**
     * What this machine's network needs and a fresh root lacks (HOST-FACTS.md): its resolver and hosts
     * files and its local certificate authorities, for apt and for Maven.
     */
    private static void giveTheHostsNetworkSetup() throws IOException, InterruptedException {
        Files.copy(Path.of("/etc/resolv.conf"), ROOT.resolve("etc/resolv.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of("/etc/hosts"), ROOT.resolve("etc/hosts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path localCas = Path.of("/usr/local/share/ca-certificates");
        if (Files.isDirectory(localCas)) {
            Host.output(REPO, "cp", "-a", localCas + "/.", ROOT.resolve("usr/local/share/ca-certificates").toString());
            assertThat(inRoom(Duration.ofMinutes(2), "update-ca-certificates").exitCode()).isZero();
        }
        Path javaStore = Path.of("/etc/ssl/certs/java/cacerts");
        if (Files.exists(javaStore)) {
            Files.copy(javaStore, ROOT.resolve("etc/ssl/certs/java/cacerts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The room stays for a look after a failure (its build logs are under root/root/work); the next run removes it. */
    @AfterAll
    static void nothingLeftAttached() throws IOException, InterruptedException {
        if (Files.exists(ROOT)) {
            assertThat(leftovers()).as("what the clean room's builds left attached").isEmpty();
        }
    }

    /**
     * One Raspberry Pi arm64 stage0 proves the lot: the compile, the host tools from {@code depends}
     * (qemu-user and arch-test among them) and a bootstrap through qemu-user. An amd64 stage0 needs no
     * tool that this one does not.
     */
    @Test
    @Order(1)
    void aFreshMachineCompilesInstallsItsToolsAndBootstrapsARaspberryPiArm64Stage() throws Exception {
        Host.Result build = buildInRoom("cleanroom-arm64", "TARGET_RASPI=1\nTARGET_ARCH=arm64\n");
        assertThat(build.output()).as("the first ./build explains what it installs")
                .contains("strata: compiling Strata", "installing them with apt-get", "  | Setting up mmdebstrap");
        assertThat(build.output()).as("no terminal escape codes on a plain console").doesNotContain("\u001b[");
        assertThat(build.output()).doesNotContain("install arch-test");
        assertThat(ROOT.resolve("root/work/cleanroom-arm64/stage0.done")).exists();
        // Only what this build needs: the foreign target's tools, no boot machine, firmware or live tools.
        assertThat(ROOT.resolve("usr/bin/arch-test")).exists();
        for (String unneeded : List.of("usr/bin/qemu-system-aarch64", "usr/bin/qemu-system-x86_64", "usr/bin/xorriso",
                "usr/share/ovmf/OVMF.fd", "usr/bin/apt-ftparchive")) {
            assertThat(ROOT.resolve(unneeded)).as("installed although this build does not need it").doesNotExist();
        }
    }

    /** ./build as root (there is no sudo in the room, as on Debian for root) of stage0 alone. */
    private static Host.Result buildInRoom(String name, String target) throws IOException, InterruptedException {
        Files.writeString(ROOT.resolve("root/" + name + ".cfg"), """
                IMG_NAME=%s
                %sSTAGE_LIST=stage0
                WORK_DIR=/root/work/%s
                DEPLOY_DIR=/root/deploy
                FIRST_USER_PASS=Clean-Room-Secret-9
                """.formatted(name, target, name));
        Host.Result build = inRoom(BUILD_LIMIT, "bash", "-c", "cd /strata && ./build -c /root/" + name + ".cfg");
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output()).contains("[stage0] done in");
        assertThat(leftovers()).as("attached after the build").isEmpty();
        return build;
    }

    private static Host.Result inRoom(Duration limit, String... command) throws IOException, InterruptedException {
        // chroot-enter.sh --host first lets go of the stage images of builds beside the room, which this
        // namespace starts with a copy of (a machine of its own would not hold them busy), as for a step.
        List<String> argv = new java.util.ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "bash", REPO.resolve("src/main/resources/io/strata/engine/chroot-enter.sh").toString(), "--host",
                ROOT.toString(), "bash", "-c", ENTER, "enter", ROOT.toString(), REPO.toString()));
        argv.addAll(List.of(command));
        return Host.run(limit, DIR, Map.of(), argv.toArray(String[]::new));
    }

    /** Loop devices name their files as the room saw them (/root/work/...); the rest is below the room. */
    private static List<String> leftovers() throws IOException, InterruptedException {
        List<String> found = new java.util.ArrayList<>(HostLeftovers.below(ROOT));
        Host.output(DIR, "losetup", "-a").lines().filter(line -> line.contains("/root/work/cleanroom-"))
                .forEach(line -> found.add("loop: " + line));
        return found;
    }
}
