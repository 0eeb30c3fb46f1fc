package io.strata.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.strata.reuse.Digests;

/**
 * The files that differ between two directory trees (two partitions' contents, extracted): present in
 * one only, or in both with another type, content, link target, mode, owner or modification time
 * (a link's own time is not compared: debugfs's rdump, which copies an ext4 out, cannot set it).
 */
public final class TreeDiff {

    /** One path (from the tree's root, starting with /) and how it differs. */
    public record Difference(String path, String how, boolean contentDiffers) {
        @Override
        public String toString() {
            return path + ": " + how;
        }
    }

    /** What is compared of each entry; {@code content} is a file's SHA-256 or a link's target. */
    record Entry(String type, String content, String mode, String owner, long modified) {
    }

    private TreeDiff() {
    }

    /** Every difference between {@code one} and {@code other}, in path order. */
    public static List<Difference> between(Path one, Path other) throws IOException {
        Map<String, Entry> a = entries(one);
        Map<String, Entry> b = entries(other);
        TreeMap<String, Difference> differences = new TreeMap<>();
        for (Map.Entry<String, Entry> entry : a.entrySet()) {
            Entry theOther = b.get(entry.getKey());
            if (theOther == null) {
                differences.put(entry.getKey(), new Difference(entry.getKey(), "only in the first", false));
            } else {
                describe(entry.getKey(), entry.getValue(), theOther).ifPresent(d -> differences.put(d.path(), d));
            }
        }
        b.keySet().stream().filter(path -> !a.containsKey(path))
                .forEach(path -> differences.put(path, new Difference(path, "only in the second", false)));
        return List.copyOf(differences.values());
    }

    private static Optional<Difference> describe(String path, Entry a, Entry b) {
        if (!a.type().equals(b.type())) {
            return Optional.of(new Difference(path, "a " + a.type() + " in the first, a " + b.type()
                    + " in the second", false));
        }
        List<String> how = new ArrayList<>();
        boolean content = !Objects.equals(a.content(), b.content());
        if (content) {
            how.add("link".equals(a.type()) ? "link target " + a.content() + " -> " + b.content() : "content");
        }
        if (!a.mode().equals(b.mode())) {
            how.add("mode " + a.mode() + " -> " + b.mode());
        }
        if (!a.owner().equals(b.owner())) {
            how.add("owner " + a.owner() + " -> " + b.owner());
        }
        if (a.modified() != b.modified() && !"link".equals(a.type())) { // rdump cannot date a link it makes
            how.add("modified " + Instant.ofEpochSecond(a.modified()) + " -> "
                    + Instant.ofEpochSecond(b.modified()));
        }
        return how.isEmpty() ? Optional.empty()
                : Optional.of(new Difference(path, String.join(", ", how), content && "file".equals(a.type())));
    }

    static Map<String, Entry> entries(Path root) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted().toList()) {
                if (path.equals(root)) {
                    continue;
                }
                entries.put("/" + root.relativize(path), entry(path));
            }
        }
        return entries;
    }

    private static Entry entry(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String type;
        String content = null;
        if (attributes.isSymbolicLink()) {
            type = "link";
            content = Files.readSymbolicLink(path).toString();
        } else if (attributes.isDirectory()) {
            type = "directory";
        } else if (attributes.isRegularFile()) {
            type = "file";
            content = Digests.ofFile(path);
        } else {
            type = "special file";
        }
        Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object gid = Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int bits = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        String mode = attributes.isSymbolicLink() ? "" : String.format("%04o", bits);
        return new Entry(type, content, mode, uid + ":" + gid, attributes.lastModifiedTime().toInstant().getEpochSecond());
    }
}
