package io.strata.disk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The backing chain of a qcow2 image, read from the files' headers (no process): the backing file
 * name is at the offset the header gives; a relative name is relative to the image's directory.
 */
public final class QcowChain {

    private static final int MAGIC = 0x514649fb; // "QFI\xfb"
    private static final int MAX_DEPTH = 64;

    private QcowChain() {
    }

    /** The file {@code image} is backed by, if it is a qcow2 image whose header names one. */
    public static Optional<Path> backingOf(Path image) throws IOException {
        try (InputStream in = Files.newInputStream(image)) {
            ByteBuffer header = ByteBuffer.wrap(in.readNBytes(20));
            if (header.remaining() < 20 || header.getInt(0) != MAGIC) {
                return Optional.empty(); // not qcow2 (a raw file): it has no backing file
            }
            long offset = header.getLong(8);
            int size = header.getInt(16);
            if (offset == 0 || size <= 0 || size > 4096) {
                return Optional.empty();
            }
            in.skipNBytes(offset - 20);
            String name = new String(in.readNBytes(size), StandardCharsets.UTF_8);
            Path backing = Path.of(name);
            return Optional.of(backing.isAbsolute() ? backing : image.toAbsolutePath().getParent().resolve(backing));
        }
    }

    /** {@code image} and every file below it, top first; fails on a missing or unreadable link. */
    public static List<Path> of(Path image) throws IOException {
        List<Path> chain = new ArrayList<>();
        Path current = image;
        while (current != null && chain.size() < MAX_DEPTH) {
            if (!Files.isRegularFile(current)) {
                throw new IOException(current + " is missing" + (chain.isEmpty() ? "" : " (the backing file of "
                        + chain.get(chain.size() - 1) + ")"));
            }
            chain.add(current.toAbsolutePath().normalize());
            current = backingOf(current).orElse(null);
        }
        return chain;
    }

    /** Whether every file of the chain is there. */
    public static boolean whole(Path image) {
        try {
            of(image);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether any stage image of {@code workDir} has {@code layer} in its chain. */
    public static boolean anyReaches(Path workDir, Path layer) throws IOException {
        if (!Files.isDirectory(workDir)) {
            return false;
        }
        Path target = layer.toAbsolutePath().normalize();
        try (Stream<Path> images = Files.list(workDir)) {
            for (Path image : images.filter(p -> p.getFileName().toString().matches("image-.*\\.qcow2")).toList()) {
                try {
                    if (of(image).contains(target)) {
                        return true;
                    }
                } catch (IOException broken) {
                    // a broken chain uses nothing
                }
            }
        }
        return false;
    }
}
