package io.strata.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;


/** What an export reads from the system it exports: installed packages and kernels. */
final class InstalledSystem {

    private InstalledSystem() {
    }

    /** "name version" for every installed package: the .info file's list, and the SBOM's. */
    static List<String> infoLines(List<DebPackage> packages) {
        return packages.stream().map(DebPackage::infoLine).toList();
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
