package io.strata.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageListTest {

    @Test
    void packageListsDropCommentsAndSplitOnWhiteSpace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("00-packages"), "# base tools\nvim  less # pager\n\n\thtop\n");
        assertThat(PackageList.read(file)).containsExactly("vim", "less", "htop");
        assertThat(PackageList.problems(file)).isEmpty();
    }

    @Test
    void debiansSyntaxIsAccepted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("00-packages"),
                "libc6:armhf g++ linux-image-amd64=6.1.0-1 firefox-esr/bookworm-backports python3.11 nano-\n");
        assertThat(PackageList.problems(file)).isEmpty();
    }

    @Test
    void anOptionOrAShellWordIsNoPackage(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("00-packages"),
                "less --allow-unauthenticated -oDebug::pkgProblemResolver=1 $(reboot) Vim\n");
        assertThat(PackageList.problems(file)).hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("'--allow-unauthenticated'", "not a Debian package name"))
                .anySatisfy(p -> assertThat(p).contains("'$(reboot)'"))
                .anySatisfy(p -> assertThat(p).contains("'Vim'"));
    }
}
