package io.strata.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.strata.disk.ImageFiles;

/** The installed packages of an image, read from its dpkg status file and its copyright files. */
final class DpkgDatabase {

    private static final String DEP5 = "copyright-format/1.0";

    private DpkgDatabase() {
    }

    /** Every package whose status is "installed", sorted by name and architecture. */
    static List<DebPackage> installed(Path rootfs) throws IOException {
        String status = Files.readString(rootfs.resolve("var/lib/dpkg/status"), StandardCharsets.UTF_8);
        List<DebPackage> packages = new ArrayList<>();
        for (Map<String, String> stanza : stanzas(status)) {
            if (!stanza.getOrDefault("Status", "").endsWith(" installed")) {
                continue;
            }
            String name = stanza.get("Package");
            String version = stanza.getOrDefault("Version", "");
            String source = stanza.getOrDefault("Source", name);
            String sourceVersion = version;
            int paren = source.indexOf(" (");
            if (paren > 0 && source.endsWith(")")) {
                sourceVersion = source.substring(paren + 2, source.length() - 1);
                source = source.substring(0, paren);
            }
            packages.add(new DebPackage(name, version, stanza.getOrDefault("Architecture", ""), source, sourceVersion,
                    stanza.getOrDefault("Maintainer", ""), stanza.getOrDefault("Homepage", ""), license(rootfs, name)));
        }
        packages.sort(Comparator.comparing(DebPackage::name).thenComparing(DebPackage::architecture));
        return packages;
    }

    /** Paragraphs of "Field: value" lines; continuation lines are kept with their field. */
    static List<Map<String, String>> stanzas(String text) {
        List<Map<String, String>> stanzas = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        String field = null;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    stanzas.add(current);
                    current = new LinkedHashMap<>();
                }
                field = null;
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && field != null) {
                current.merge(field, "\n" + line.strip(), String::concat);
            } else if (line.indexOf(':') > 0) {
                field = line.substring(0, line.indexOf(':'));
                current.put(field, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        if (!current.isEmpty()) {
            stanzas.add(current);
        }
        return stanzas;
    }

    /** The License of the "Files: *" paragraph of a machine-readable copyright file; empty otherwise. */
    static String license(Path rootfs, String packageName) throws IOException {
        Optional<Path> copyright = ImageFiles.regularFile(rootfs, "/usr/share/doc/" + packageName + "/copyright");
        if (copyright.isEmpty()) {
            return "";
        }
        List<Map<String, String>> paragraphs = stanzas(new String(Files.readAllBytes(copyright.get()), StandardCharsets.UTF_8));
        if (paragraphs.isEmpty() || !paragraphs.get(0).getOrDefault("Format", "").contains(DEP5)) {
            return "";
        }
        for (Map<String, String> paragraph : paragraphs) {
            String files = paragraph.getOrDefault("Files", "");
            if (List.of(files.split("\\s+")).contains("*") && paragraph.containsKey("License")) {
                return paragraph.get("License").lines().findFirst().orElse("").strip();
            }
        }
        return paragraphs.get(0).getOrDefault("License", "").lines().findFirst().orElse("").strip();
    }
}
