package io.strata.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.strata.disk.QcowChain;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.lock.LockFile;
import io.strata.lock.Scratch;
import io.strata.reuse.Digests;
import io.strata.reuse.PrivateFile;
import io.strata.reuse.WorkDirSalt;

/**
 * STAGE_STORE_DIR: sealed stages kept once under their key, shared by every work dir of this host.
 * {@code layers/KEY/} holds the qcow2 layer (backed by its base's layer here, read-only, never written
 * again), its record and the stage's done record; it appears whole by a rename from a scratch
 * directory in {@code tmp/}. Work dirs use a layer through an empty overlay backed by it; each one is
 * noted under {@code layers/KEY/users/}, so pruning can leave alone what a work dir still uses. Secrets
 * are keyed with the store's salt ({@code key-salt}), so every work dir of the store has the same keys.
 *
 * <p>Who locks what (ARCHITECTURE.md has the whole page): a build takes, builds, keeps or pulls a stage
 * under that key's lock ({@code locks/KEY.lock}), so two builds needing one missing stage build it
 * once; every operation that reads or writes layers holds {@code store.lock} shared, and a prune holds
 * it alone; a scratch directory's lock is held while it lives, and the next operation sweeps those
 * whose process died. Every lock is a kernel lock that dies with its process.
 */
public final class LocalStageStore {

    /** Held shared by every operation on the store, alone by a prune. */
    private static final String STORE_LOCK = "store.lock";

    private final Path dir;
    private final ProcessRunner runner;

    public LocalStageStore(Path dir, ProcessRunner runner) {
        this.dir = dir.toAbsolutePath().normalize();
        this.runner = runner;
    }

    public Path dir() {
        return dir;
    }

    /** The store's salt (its key-salt file), made when it has none and {@code create} is set; a throwaway one otherwise. */
    public static byte[] salt(Path storeDir, boolean create) {
        if (create) {
            try {
                createPrivateDirectory(storeDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the stage store " + storeDir, e);
            }
        }
        return WorkDirSalt.of(storeDir, create);
    }

    /**
     * The key's lock, held while a build takes, builds, keeps or pulls the stage of that key; while
     * another build holds it, {@code whileWaiting} runs once and this waits.
     */
    public LockFile lock(String key, java.util.function.Consumer<String> whileWaiting) throws IOException, InterruptedException {
        Path locks = createPrivateDirectory(dir.resolve("locks"));
        return LockFile.acquire(locks.resolve(key + ".lock"), "making stage " + key.substring(0, 12), whileWaiting);
    }


    /**
     * One operation on the store (a take, keep, pull or push): held shared beside every other build's, so
     * a prune, which holds it alone, never removes what an operation is reading or building on. Each
     * begins by sweeping what killed operations left in {@code tmp/}.
     */
    public LockFile.Shared operation(Runnable whileWaiting) throws IOException, InterruptedException {
        createPrivateDirectory(dir);
        LockFile.Shared shared = LockFile.acquireShared(dir.resolve(STORE_LOCK), whileWaiting);
        try {
            Scratch.sweep(dir.resolve("tmp"));
        } catch (IOException e) {
            shared.close();
            throw e;
        }
        return shared;
    }

    /** The whole store, for a prune: waits until no operation runs, and keeps new ones waiting. */
    public LockFile exclusive(java.util.function.Consumer<String> whileWaiting) throws IOException, InterruptedException {
        createPrivateDirectory(dir);
        LockFile all = LockFile.acquire(dir.resolve(STORE_LOCK), "pruning the stage store", whileWaiting);
        Scratch.sweep(dir.resolve("tmp"));
        return all;
    }

    /** The stored stage of {@code key}, if the store holds one whose record reads. */
    public Optional<StoredStage> find(String key) throws IOException {
        Path layerDir = dir.resolve("layers").resolve(key);
        Path record = layerDir.resolve(StoredStage.RECORD);
        if (!Files.isRegularFile(record) || !Files.isRegularFile(layerDir.resolve(StoredStage.LAYER))) {
            return Optional.empty();
        }
        return StoredStage.parse(Files.readString(record), layerDir).filter(s -> s.key().equals(key));
    }

    /** Whether the layer file still has the digest it was stored with. */
    public boolean intact(StoredStage stored) throws IOException {
        return Digests.ofFile(stored.layer()).equals(stored.layerSha256());
    }

    /**
     * Stores a sealed stage image under {@code key}: a copy of it, rebased onto its base's layer in this
     * store, read-only; nothing when the key is stored already.
     */
    public StoredStage put(String key, String stage, Path image, Optional<StoredStage> base, Path doneMarker, String builtFor)
            throws IOException, CommandFailedException, InterruptedException {
        Optional<StoredStage> existing = find(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        try (Scratch tmp = scratch("keep-" + key)) {
            Files.copy(image, tmp.dir().resolve(StoredStage.LAYER));
            Files.copy(doneMarker, tmp.dir().resolve(StoredStage.DONE));
            return install(tmp.dir(), key, stage, builtFor, Instant.now(), base);
        }
    }

    /** Stores a stage pulled from a registry (its blobs checked), rebased onto its base's layer here. */
    public StoredStage adopt(RegistryStore.Pulled pulled, Optional<StoredStage> base)
            throws IOException, CommandFailedException, InterruptedException {
        StoredStage record = pulled.record();
        Optional<StoredStage> existing = find(record.key());
        if (existing.isPresent()) {
            return existing.get();
        }
        try (Scratch tmp = scratch("adopt-" + record.key())) {
            Files.move(pulled.layer(), tmp.dir().resolve(StoredStage.LAYER));
            Files.move(pulled.done(), tmp.dir().resolve(StoredStage.DONE));
            return install(tmp.dir(), record.key(), record.stage(), record.builtFor(), record.built(), base);
        }
    }

    /**
     * A private scratch directory in the store's {@code tmp/} (on its file system, so the final rename is
     * atomic), locked while it lives; the next store operation sweeps it if its process dies.
     */
    public Scratch scratch(String name) throws IOException {
        return Scratch.create(createPrivateDirectory(dir.resolve("tmp")), name, "using the stage store " + dir);
    }

    /** The layer and done record in {@code tmp} become layers/KEY: rebased, read-only, digested, renamed whole. */
    private StoredStage install(Path tmp, String key, String stage, String builtFor, Instant built, Optional<StoredStage> base)
            throws IOException, CommandFailedException, InterruptedException {
        Path layer = tmp.resolve(StoredStage.LAYER);
        Files.setPosixFilePermissions(layer, PosixFilePermissions.fromString("rw-------"));
        if (base.isPresent()) {
            runner.check(Command.of("qemu-img", "rebase", "-u", "-f", "qcow2", "-F", "qcow2", "-b",
                    base.get().layer().toString(), layer.toString()));
        }
        Files.setPosixFilePermissions(layer, PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(tmp.resolve(StoredStage.DONE), PosixFilePermissions.fromString("rw-------"));
        StoredStage stored = new StoredStage(key, stage, builtFor, built, base.map(StoredStage::key),
                Digests.ofFile(layer), Files.size(layer), dir.resolve("layers").resolve(key));
        PrivateFile.write(tmp.resolve(StoredStage.RECORD), stored.render().getBytes(StandardCharsets.UTF_8));
        createPrivateDirectory(dir.resolve("layers"));
        Files.move(tmp, stored.dir(), StandardCopyOption.ATOMIC_MOVE);
        touch(stored);
        return stored;
    }

    /**
     * Makes {@code workImage} an empty qcow2 overlay backed by the stored layer, read-only as a sealed
     * stage is, and notes the work dir as one of the layer's users.
     */
    public void use(StoredStage stored, Path workImage) throws IOException, CommandFailedException, InterruptedException {
        Files.deleteIfExists(workImage);
        runner.check(Command.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", stored.layer().toString(), "-F", "qcow2",
                workImage.toString()));
        Files.setPosixFilePermissions(workImage, PosixFilePermissions.fromString("r--------"));
        Path users = createPrivateDirectory(stored.dir().resolve("users"));
        Path workDir = workImage.toAbsolutePath().getParent();
        Files.writeString(users.resolve(Digests.of(workDir.toString()).substring(0, 16)), workDir + "\n");
        touch(stored);
    }

    /** Every stored stage whose record reads. */
    public List<StoredStage> list() throws IOException {
        Path layers = dir.resolve("layers");
        if (!Files.isDirectory(layers)) {
            return List.of();
        }
        List<StoredStage> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(layers)) {
            for (Path layerDir : dirs.sorted().toList()) {
                find(layerDir.getFileName().toString()).ifPresent(all::add);
            }
        }
        return all;
    }

    /** When a stored stage was last stored or used. */
    public Instant lastUsed(StoredStage stored) throws IOException {
        Path used = stored.dir().resolve(StoredStage.USED);
        return Files.exists(used) ? Files.getLastModifiedTime(used).toInstant() : stored.built();
    }

    /** The work dirs that noted using a stored stage and whose images still reach its layer. */
    public List<Path> liveUsers(StoredStage stored) throws IOException {
        Path users = stored.dir().resolve("users");
        if (!Files.isDirectory(users)) {
            return List.of();
        }
        List<Path> live = new ArrayList<>();
        try (Stream<Path> notes = Files.list(users)) {
            for (Path note : notes.toList()) {
                Path workDir = Path.of(Files.readString(note).strip());
                if (QcowChain.anyReaches(workDir, stored.layer())) {
                    live.add(workDir);
                }
            }
        }
        return live;
    }

    /**
     * Removes a stored stage, for a prune that holds the store ({@link #exclusive}): not while a build
     * holds its key (making or taking it), nor while a stage still stored builds on it. False when it stays.
     */
    public boolean removeIfIdle(StoredStage stored) throws IOException {
        Optional<LockFile> key = LockFile.tryAcquire(createPrivateDirectory(dir.resolve("locks")).resolve(stored.key() + ".lock"),
                "pruning the stage store");
        if (key.isEmpty()) {
            return false;
        }
        try (LockFile held = key.get()) {
            if (list().stream().anyMatch(other -> other.baseKey().map(stored.key()::equals).orElse(false))) {
                return false;
            }
            remove(stored);
            return true;
        }
    }

    /** Removes a stored stage (its directory, renamed away first so no reader sees half of it). */
    public void remove(StoredStage stored) throws IOException {
        try (Scratch doomed = scratch("removed-" + stored.key())) {
            Files.move(stored.dir(), doomed.dir().resolve("layer"), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void touch(StoredStage stored) throws IOException {
        Path used = stored.dir().resolve(StoredStage.USED);
        if (!Files.exists(used)) {
            Files.createFile(used);
        }
        Files.setLastModifiedTime(used, FileTime.from(Instant.now()));
    }

    private static Path createPrivateDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            Files.createDirectories(path);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        }
        return path;
    }
}
