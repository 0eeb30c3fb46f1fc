package io.strata.export;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The .lock file beside an exported image: every installed package with its version, architecture,
 * the SHA-256 of its .deb and the archive it came from, read from apt's lists in the image before the
 * export removes them. A package no list holds at that version (installed from a file) says so.
 */
final class PackageLock {

    /** One package as an archive's Packages list describes it. */
    record Listed(String sha256, String archive) {
    }

    private static final String LIST_SUFFIX = "_Packages";

    private PackageLock() {
    }

    static String render(String imageName, String release, String arch, List<DebPackage> installed,
            Map<String, Listed> listed) {
        StringBuilder out = new StringBuilder();
        out.append("# Strata package lock of ").append(imageName).append(" (Debian ").append(release).append(", ")
                .append(arch).append("): name, version, architecture, SHA-256 of the .deb, archive (suite/component)\n");
        installed.stream().sorted(Comparator.comparing(DebPackage::name).thenComparing(DebPackage::architecture))
                .forEach(deb -> {
                    Listed from = listed.get(key(deb.name(), deb.version(), deb.architecture()));
                    out.append(deb.name()).append(' ').append(deb.version()).append(' ').append(deb.architecture())
                            .append(' ').append(from == null ? "- (in no archive list: installed from a file)"
                                    : from.sha256() + " " + from.archive())
                            .append('\n');
                });
        return out.toString();
    }

    /** Every package the image's apt lists ({@code listsDir}) describe, by {@link #key}; the first list in name order wins. */
    static Map<String, Listed> read(Path listsDir) throws IOException {
        Map<String, Listed> found = new HashMap<>();
        if (!Files.isDirectory(listsDir)) {
            return found;
        }
        List<Path> lists;
        try (Stream<Path> files = Files.list(listsDir)) {
            lists = files.filter(f -> f.getFileName().toString().endsWith(LIST_SUFFIX)).sorted().toList();
        }
        for (Path list : lists) {
            String archive = archive(list.getFileName().toString());
            try (BufferedReader reader = Files.newBufferedReader(list, StandardCharsets.UTF_8)) {
                readParagraphs(reader, archive, found);
            }
        }
        return found;
    }

    private static void readParagraphs(BufferedReader reader, String archive, Map<String, Listed> found)
            throws IOException {
        String name = null;
        String version = null;
        String arch = null;
        String sha256 = null;
        for (String line = reader.readLine(); ; line = reader.readLine()) {
            if (line == null || line.isEmpty()) {
                if (name != null && version != null && arch != null && sha256 != null) {
                    found.putIfAbsent(key(name, version, arch), new Listed(sha256, archive)); // the first list in name order
                }
                if (line == null) {
                    return;
                }
                name = version = arch = sha256 = null;
            } else if (line.startsWith("Package: ")) {
                name = line.substring(9).strip();
            } else if (line.startsWith("Version: ")) {
                version = line.substring(9).strip();
            } else if (line.startsWith("Architecture: ")) {
                arch = line.substring(14).strip();
            } else if (line.startsWith("SHA256: ")) {
                sha256 = line.substring(8).strip();
            }
        }
    }

    /**
     * The archive a list's file name stands for: apt names {@code deb.debian.org_debian_dists_trixie_main_binary-amd64_Packages}
     * after the URI with "/" as "_"; this gives {@code deb.debian.org/debian trixie/main}.
     */
    static String archive(String listFile) {
        String name = listFile.substring(0, listFile.length() - LIST_SUFFIX.length());
        int dists = name.indexOf("_dists_");
        if (dists < 0) {
            return name.replace('_', '/');
        }
        String base = name.substring(0, dists).replace('_', '/');
        List<String> parts = new ArrayList<>(List.of(name.substring(dists + "_dists_".length()).split("_")));
        if (!parts.isEmpty() && parts.get(parts.size() - 1).startsWith("binary-")) {
            parts.remove(parts.size() - 1);
        }
        return base + " " + String.join("/", parts);
    }

    private static String key(String name, String version, String arch) {
        return name + " " + version + " " + arch;
    }
}
