package io.strata.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A path inside an image's root read from the host: symbolic links are followed as the image
 * would follow them, an absolute target from the image's root, so no link in the image can lead a
 * read out of it.
 */
public final class ImageFiles {

    private static final int MAX_LINKS = 40;

    private ImageFiles() {
    }

    /** The host path of {@code absolute} (e.g. "/usr/share/doc/bash/copyright") in {@code root}, if it is a file there. */
    public static Optional<Path> regularFile(Path root, String absolute) throws IOException {
        return resolve(root, absolute).filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
    }

    /** The host path of {@code absolute} in {@code root}, if it is a directory there. */
    public static Optional<Path> directory(Path root, String absolute) throws IOException {
        return resolve(root, absolute).filter(dir -> Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
    }

    /** The host path {@code absolute} leads to inside {@code root}, every link followed as the image would, if it exists. */
    public static Optional<Path> resolve(Path root, String absolute) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, absolute);
        Deque<String> resolved = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                resolved.pollLast();
                continue;
            }
            Path candidate = join(root, resolved).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                push(todo, target);
                continue;
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            resolved.addLast(part);
        }
        return Optional.of(join(root, resolved));
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path join(Path root, Deque<String> parts) {
        Path path = root;
        for (String part : parts) {
            path = path.resolve(part);
        }
        return path;
    }
}
