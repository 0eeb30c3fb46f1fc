package io.strata.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.strata.exec.CommandFailedException;

/**
 * Every Strata work dir on this host that may still hold something: each build registers its work dir
 * under /run/strata/builds while it runs (a SIGKILLed build leaves its entry), and what the host shows
 * is recognised by the exact shapes of Strata's run directories ({@code WORK_DIR/run/nbd-NAME/fuse},
 * its {@code nbd.sock}, {@code WORK_DIR/NAME/rootfs} mounts), never by a substring of a command line.
 */
public final class WorkDirs {

    public static final Path REGISTRY = Path.of("/run/strata/builds");

    /** WORK_DIR/run/nbd-NAME/ then fuse, fuse/disk or nbd.sock. */
    private static final Pattern RUN_DIR = Pattern.compile("(/\\S+)/run/nbd-[^/\\s]+/(fuse(/disk)?|nbd\\.sock)");

    private WorkDirs() {
    }

    /** Notes that a build uses {@code workDir}; a later bare {@code imagetool --cleanup} looks there. */
    public static void register(Path workDir) throws IOException {
        Files.createDirectories(REGISTRY);
        Files.writeString(entry(workDir), workDir.toAbsolutePath().normalize() + "\n");
    }

    /** Forgets {@code workDir}: it holds nothing any more. */
    public static void unregister(Path workDir) throws IOException {
        Files.deleteIfExists(entry(workDir));
    }

    /** The registered work dirs and those the host shows leftovers of, each once, each a real work dir. */
    public static Set<Path> onThisHost(DiskTools tools) throws CommandFailedException, InterruptedException {
        Set<Path> found = new TreeSet<>(registered());
        List<String> places = new ArrayList<>(HostMounts.all().stream().map(Path::toString).toList());
        places.addAll(tools.runner().output(DiskTools.plumbing("losetup", "--list", "--noheadings", "--output",
                "BACK-FILE")).lines().map(String::strip).toList());
        ProcessHandle.allProcesses().forEach(p -> places.add(HostScan.commandLine(p.pid())));
        found.addAll(named(places));
        found.removeIf(dir -> !isWorkDir(dir));
        return found;
    }

    /** The work dirs that mount points, loop backing files or command lines name by Strata's run-dir shape. */
    static Set<Path> named(List<String> places) {
        Set<Path> found = new TreeSet<>();
        for (String place : places) {
            Matcher matcher = RUN_DIR.matcher(place);
            while (matcher.find()) {
                found.add(Path.of(matcher.group(1)));
            }
        }
        return found;
    }

    /** A directory a Strata build made: it has the build lock or the ledger. */
    static boolean isWorkDir(Path dir) {
        return Files.isRegularFile(dir.resolve("build.lock")) || Files.isRegularFile(dir.resolve("ledger.yaml"));
    }

    private static List<Path> registered() {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(REGISTRY)) {
            return dirs;
        }
        try (var entries = Files.list(REGISTRY)) {
            for (Path entry : entries.toList()) {
                dirs.add(Path.of(Files.readString(entry, StandardCharsets.UTF_8).strip()));
            }
        } catch (IOException | RuntimeException e) {
            // an entry being written or removed right now: the host scan still finds its leftovers
        }
        return dirs;
    }

    private static Path entry(Path workDir) {
        String path = workDir.toAbsolutePath().normalize().toString();
        return REGISTRY.resolve(digest(path));
    }

    private static String digest(String path) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
