package io.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an {@code nn-packages} file: packages separated by white space, several per line, # starts a comment. */
final class PackageList {

    private PackageList() {
    }

    static List<String> read(Path file) {
        try {
            List<String> packages = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                int hash = line.indexOf('#');
                String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!content.isEmpty()) {
                    packages.addAll(List.of(content.split("\\s+")));
                }
            }
            return packages;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
