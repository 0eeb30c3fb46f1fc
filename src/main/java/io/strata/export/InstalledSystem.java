package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/** What an export reads from the system it exports: installed packages and kernels. */
final class InstalledSystem {

    private InstalledSystem() {
    }

    /** "name version" for every installed package, as dpkg-query prints them. */
    static List<String> packages(ProcessRunner runner, Path rootfs) throws CommandFailedException, InterruptedException {
        String out = runner.output(Command.of("dpkg-query", "--admindir=" + rootfs.resolve("var/lib/dpkg"), "-W",
                "-f=${Package} ${Version}\\n"));
        return Arrays.stream(out.split("\n")).filter(p -> !p.isBlank()).toList();
    }

    /** The kernel versions in /lib/modules, sorted. */
    static List<String> kernels(Path rootfs) throws IOException {
        Path modules = rootfs.resolve("lib/modules");
        if (!Files.isDirectory(modules)) {
            return List.of();
        }
        try (Stream<Path> versions = Files.list(modules)) {
            return versions.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The newest kernel version in /lib/modules, by Debian's version order as far as it matters here. */
    static Optional<String> newestKernel(Path rootfs) throws IOException {
        return kernels(rootfs).stream().max(Comparator.comparing(InstalledSystem::versionKey));
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)")) {
            key.append(part.chars().allMatch(Character::isDigit) ? String.format("%08d", Long.parseLong(part)) : part);
        }
        return key.toString();
    }
}
