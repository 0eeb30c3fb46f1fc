package io.strata.reuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.strata.plan.Stage;
import io.strata.plan.SubStage;

/**
 * A stage's substage checkpoints. A stage runs in segments: its prerun.sh, then each substage that
 * runs. Every segment but the last ends in a qcow2 layer of its own (backed by the one before it, the
 * first by the stage's base image), kept in the work dir with the key of everything that made it: the
 * stage's inputs without the files of the substages after it. A rebuild of the stage starts at the
 * first segment whose checkpoint does not hold, so an edit in substage NN reruns from NN. The stage's
 * sealed image is still one file, the layers flattened onto its base.
 */
public final class Checkpoints {

    /** The name of the prerun.sh segment. */
    public static final String PRERUN = "prerun.sh";

    private final Path dir;
    private final String stage;
    private final List<String> segments;
    private final List<String> keys;

    private Checkpoints(Path dir, String stage, List<String> segments, List<String> keys) {
        this.dir = dir;
        this.stage = stage;
        this.segments = List.copyOf(segments);
        this.keys = List.copyOf(keys);
    }

    /** The checkpoints of {@code stage}, kept in {@code dir}, for its key inputs {@code inputs}. */
    public static Checkpoints of(Path dir, Stage stage, KeyInputs inputs) {
        List<String> segments = new ArrayList<>();
        stage.prerun().ifPresent(p -> segments.add(PRERUN));
        List<String> later = stage.subStages().stream().map(Checkpoints::dirName).collect(Collectors.toCollection(ArrayList::new));
        List<String> keys = new ArrayList<>();
        if (stage.prerun().isPresent()) {
            keys.add(withoutFilesOf(inputs, Set.copyOf(later)).key());
        }
        for (SubStage sub : stage.subStages()) {
            later.remove(dirName(sub));
            if (!sub.skipped()) {
                segments.add(sub.name());
                keys.add(withoutFilesOf(inputs, Set.copyOf(later)).key());
            }
        }
        return new Checkpoints(dir, stage.name(), segments, keys);
    }

    /** A substage's directory name, as the key's {@code file:} inputs start with it. */
    static String dirName(SubStage sub) {
        return sub.dir().getFileName().toString();
    }

    /** The inputs without the files below the substage directories {@code subStages}. */
    static KeyInputs withoutFilesOf(KeyInputs inputs, Set<String> subStages) {
        TreeMap<String, String> kept = new TreeMap<>();
        inputs.digests().forEach((name, digest) -> {
            boolean later = name.startsWith("file:") && subStages.contains(Path.of(name.substring(5)).getName(0).toString());
            if (!later) {
                kept.put(name, digest);
            }
        });
        return new KeyInputs(kept);
    }

    /** The segments in the order they run: prerun.sh (when there is one), then each substage that runs. */
    public List<String> segments() {
        return segments;
    }

    /** Whether the stage runs in more than one segment, and so has checkpoints at all. */
    public boolean any() {
        return segments.size() > 1;
    }

    /** The layer segment {@code i} writes to (the last one's only until the stage is flattened). */
    public Path layer(int i) {
        return dir.resolve(stage + "." + i + "-" + segments.get(i) + ".qcow2");
    }

    private Path record(int i) {
        return dir.resolve(stage + "." + i + "-" + segments.get(i) + ".key");
    }

    /**
     * How many segments need not run again: the first segments whose checkpoints are there, recorded
     * with the key they would have now, on {@code base} as it is now (see {@link #identity}). Never all
     * of them: the last segment has no checkpoint (the stage's image is its end).
     */
    public int holding(String base) {
        int held = 0;
        while (held < segments.size() - 1 && Files.isRegularFile(layer(held))
                && recorded(held).equals(Optional.of(keys.get(held) + " on " + base))) {
            held++;
        }
        return held;
    }

    private Optional<String> recorded(int i) {
        try {
            return Files.isRegularFile(record(i))
                    ? Optional.of(Files.readString(record(i), StandardCharsets.UTF_8).trim())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + record(i), e);
        }
    }

    /** Records segment {@code i}'s finished layer as its checkpoint (read-only, root's alone: it holds the stage's secrets). */
    public void keep(int i, String base) {
        try {
            Files.setPosixFilePermissions(layer(i), java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            PrivateFile.write(record(i), (keys.get(i) + " on " + base + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the checkpoint " + layer(i), e);
        }
    }

    /** Removes every layer and record of the segments from {@code first} on (and anything else in the dir that is not one). */
    public void dropFrom(int first) {
        try {
            Files.createDirectories(dir);
            Set<Path> kept = new java.util.HashSet<>();
            for (int i = 0; i < first; i++) {
                kept.add(layer(i));
                kept.add(record(i));
            }
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    if (!kept.contains(file)) {
                        Files.delete(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the old checkpoints in " + dir, e);
        }
    }

    /**
     * Which file a base image is, as a checkpoint layered on it must know it: a sealed stage image is never
     * written again, so its inode, size and modification time name it; one taken again from the stage store
     * is another file, and the layers made on the old one do not fit it.
     */
    public static String identity(Optional<Path> base) {
        if (base.isEmpty()) {
            return "no base";
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(base.get(), BasicFileAttributes.class);
            return base.get().getFileName() + " " + attributes.fileKey() + " " + attributes.size() + " "
                    + attributes.lastModifiedTime().toInstant();
        } catch (IOException e) {
            return "unreadable " + base.get().getFileName();
        }
    }
}
