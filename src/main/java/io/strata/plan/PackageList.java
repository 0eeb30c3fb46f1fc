package io.strata.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An {@code nn-packages} file: packages separated by white space, several per line, # starts a comment.
 * Each entry follows Debian's syntax (name, optional :arch, optional =version or /release, a trailing -
 * to remove), so nothing in a list can reach apt-get as an option.
 */
public final class PackageList {

    private static final Pattern ENTRY = Pattern.compile(
            "[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+|/[a-z0-9.-]+)?");

    private PackageList() {
    }

    public static List<String> read(Path file) {
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

    /** The entries of {@code file} that are not package names, each with what to write instead. */
    static List<String> problems(Path file) {
        List<String> problems = new ArrayList<>();
        try {
            for (String entry : read(file)) {
                if (!ENTRY.matcher(entry).matches()) {
                    problems.add(file + " lists '" + entry + "', which is not a Debian package name (lower-case letters, "
                            + "digits and + - ., optionally :ARCH, =VERSION or /RELEASE): list packages only; apt options "
                            + "belong in a run-chroot.sh");
                }
            }
        } catch (UncheckedIOException e) {
            problems.add("cannot read " + file + ": " + e.getCause().getMessage());
        }
        return problems;
    }
}
