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

import io.strata.cache.ControlParagraphs;
import io.strata.cache.LockedPackage;

/**
 * The .lock file beside an exported image: every installed package with its version, architecture,
 * the SHA-256 of its .deb and the archive it came from, read from apt's lists in the image before the
 * export removes them. A package no list holds at that version (installed from a file) says so.
 */
final class PackageLock {

    private static final String LIST_SUFFIX = "_Packages";

    private PackageLock() {
    }

    static String render(String imageName, String release, String arch, List<DebPackage> installed,
            Map<String, LockedPackage> listed) {
        StringBuilder out = new StringBuilder();
        out.append("# Strata package lock of ").append(imageName).append(" (Debian ").append(release).append(", ")
                .append(arch).append("): name, version, architecture, SHA-256 of the .deb, archive (suite/component), ")
                .append("the archive's priority and section\n");
        installed.stream().sorted(Comparator.comparing(DebPackage::name).thenComparing(DebPackage::architecture))
                .forEach(deb -> {
                    LockedPackage from = listed.get(key(deb.name(), deb.version(), deb.architecture()));
                    out.append(deb.name()).append(' ').append(deb.version()).append(' ').append(deb.architecture())
                            .append(' ').append(from == null ? "- (in no archive list: installed from a file)"
                                    : from.sha256() + " " + from.archive() + " " + from.priority() + " " + from.section())
                            .append('\n');
                });
        return out.toString();
    }

    /** Every package the image's apt lists ({@code listsDir}) describe, by {@link #key}; the first list in name order wins. */
    static Map<String, LockedPackage> read(Path listsDir) throws IOException {
        Map<String, LockedPackage> found = new HashMap<>();
        if (!Files.isDirectory(listsDir)) {
            return found;
        }
        List<Path> lists;
        try (Stream<Path> files = Files.list(listsDir)) {
            // a file: source's list is a link to the source's index (the locked repository's, gone with its step)
            lists = files.filter(f -> f.getFileName().toString().endsWith(LIST_SUFFIX))
                    .filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path list : lists) {
            String archive = archive(list.getFileName().toString());
            try (BufferedReader reader = Files.newBufferedReader(list, StandardCharsets.UTF_8)) {
                readParagraphs(reader, archive, found);
            }
        }
        return found;
    }

    /**
     * {@code listed} with every package of {@code lock} as the lock says it: a build from a lock reads its
     * packages from the locked repository, whose lists name no archive; the lock names the one they came from.
     */
    static Map<String, LockedPackage> withLocked(Map<String, LockedPackage> listed, List<LockedPackage> lock) {
        Map<String, LockedPackage> merged = new HashMap<>(listed);
        lock.forEach(deb -> merged.put(deb.key(), deb));
        return merged;
    }

    private static void readParagraphs(BufferedReader reader, String archive, Map<String, LockedPackage> found)
            throws IOException {
        ControlParagraphs.read(reader, fields -> {
            String name = fields.get("Package");
            String version = fields.get("Version");
            String arch = fields.get("Architecture");
            String sha256 = fields.get("SHA256");
            if (name != null && version != null && arch != null && sha256 != null) {
                // the first list in name order; the archive's priority and section, which the .deb's own may not match
                found.putIfAbsent(key(name, version, arch), new LockedPackage(name, version, arch, sha256, archive,
                        word(fields.get("Priority")), word(fields.get("Section"))));
            }
        });
    }

    /** A field that stands in the lock as one word: "-" when the list has none. */
    private static String word(String value) {
        return value == null || value.isBlank() || value.contains(" ") ? "-" : value;
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
