package io.strata.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.strata.config.BadInputException;

/**
 * A package lock read back (PACKAGE_LOCK): the release and architecture its header names, and each
 * package that came from an archive. A package installed from a file (a stage's own .deb) is not
 * locked: the stage installs it again from its files.
 */
public record LockedPackages(String release, String architecture, List<LockedPackage> packages) {

    private static final Pattern HEADER = Pattern.compile("# Strata package lock of \\S+ \\(Debian (\\S+), (\\S+)\\):.*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+:~-]+");
    private static final Pattern ARCH = Pattern.compile("[a-z0-9-]+");
    /** The archive's host[:port]/path and its suite/component, as apt names its lists. */
    private static final Pattern ARCHIVE = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~+-]+)*");
    private static final Pattern WORD = Pattern.compile("-|[a-z0-9][a-z0-9/_.+-]*");
    private static final Pattern SUITE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public LockedPackages {
        packages = List.copyOf(packages);
    }

    /** Reads {@code file}, given as {@code variable}; every line that is not a lock entry is named in the error. */
    public static LockedPackages read(Path file, String variable) throws BadInputException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(List.of(variable + "=" + file + " cannot be read (" + e.getMessage()
                    + "): name the .lock file an earlier build wrote beside its image"));
        }
        return parse(text, variable + "=" + file);
    }

    static LockedPackages parse(String text, String where) throws BadInputException {
        List<String> problems = new ArrayList<>();
        List<LockedPackage> packages = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        Matcher header = HEADER.matcher(lines[0]);
        if (!header.matches()) {
            throw new BadInputException(List.of(where + " is not a Strata package lock (its first line should read "
                    + "\"# Strata package lock of IMAGE (Debian RELEASE, ARCH): ...\"): name the .lock file an earlier "
                    + "build wrote beside its image"));
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" +");
            if (words.length >= 4 && words[3].equals("-")) {
                continue; // installed from a file
            }
            if (words.length != 8 || !NAME.matcher(words[0]).matches() || !VERSION.matcher(words[1]).matches()
                    || !ARCH.matcher(words[2]).matches() || !SHA256.matcher(words[3]).matches()
                    || !ARCHIVE.matcher(words[4]).matches() || !SUITE.matcher(words[5]).matches()
                    || !WORD.matcher(words[6]).matches() || !WORD.matcher(words[7]).matches()) {
                problems.add(where + " line " + (i + 1) + " is not \"NAME VERSION ARCH SHA256 HOST/PATH SUITE/COMPONENT "
                        + "PRIORITY SECTION\": " + line);
                continue;
            }
            packages.add(new LockedPackage(words[0], words[1], words[2], words[3], words[4] + " " + words[5], words[6],
                    words[7]));
        }
        if (packages.isEmpty() && problems.isEmpty()) {
            problems.add(where + " locks no package from an archive: name the .lock file of an image Strata built");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return new LockedPackages(header.group(1), header.group(2), packages);
    }
}
