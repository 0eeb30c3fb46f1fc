package io.strata.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.strata.disk.QcowChain;
import io.strata.exec.CommandFailedException;
import io.strata.lock.LockFile;
import io.strata.lock.Scratch;
import io.strata.plan.Stage;
import io.strata.reuse.PrivateFile;
import io.strata.store.LocalStageStore;
import io.strata.store.RegistryStore;
import io.strata.store.StoredStage;

/**
 * What a build does with its stage store: it takes a stage that is stored under its key instead of
 * building it, keeps each stage it seals (or reuses) that the store lacks, and pushes what the registry
 * lacks. The store only ever saves work: a layer that fails its digest, or a store that cannot be
 * written, leaves the build to do what it would have done without one, saying why.
 *
 * <p>Take and keep run under the key's lock (the caller's, {@link #lock}) and, like every operation on
 * the store, under its shared operation lock; a push runs after the key's lock is let go, so a slow
 * registry holds up no other build of that key.
 */
final class StoreUse {

    private final LocalStageStore store;
    private final Optional<RegistryStore> remote;
    private final WorkLayout layout;
    /** The build's events (its log and console hear them). */
    private final BuildListener listener;
    private final String imgName;
    private final boolean clean;

    /** {@code clean}: CLEAN=1, which builds every stage that runs, so nothing is taken from the store. */
    StoreUse(LocalStageStore store, Optional<RegistryStore> remote, WorkLayout layout, BuildListener listener,
            String imgName, boolean clean) {
        this.clean = clean;
        this.store = store;
        this.remote = remote;
        this.layout = layout;
        this.listener = listener;
        this.imgName = imgName;
    }

    /** The key's lock, waited for (and said so) while another build makes the same stage. */
    LockFile lock(Stage stage, String key) throws IOException, InterruptedException {
        return store.lock(key, holder -> note(stage, "waiting for another build that is making this stage (key "
                + key.substring(0, 12) + "; " + holder + ")"));
    }

    /**
     * Makes the stage's work image an overlay of its stored layer, with its done record: from the local
     * store, or pulled from the registry into it. Empty when neither has it (or it cannot be used);
     * otherwise the stored stage, and whether the registry may lack it (it came from the local store).
     */
    Optional<Taken> take(Stage stage, String key, Optional<String> baseKey) throws InterruptedException {
        if (clean) {
            return Optional.empty();
        }
        try (LockFile.Shared op = operation(stage)) {
            Optional<StoredStage> stored = store.find(key);
            boolean local = stored.isPresent();
            if (stored.isEmpty() && remote.isPresent()) {
                stored = pull(stage, key, baseKey);
            }
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            if (!QcowChain.whole(stored.get().layer())) {
                note(stage, "the stage store's layer for it misses a base layer; building instead");
                return Optional.empty();
            }
            if (!store.intact(stored.get())) {
                note(stage, "the stage store's layer for it does not match its digest; building instead");
                return Optional.empty();
            }
            Path image = layout.stageImage(stage.name());
            store.use(stored.get(), image);
            PrivateFile.write(layout.doneMarker(stage.name()), Files.readAllBytes(stored.get().doneRecord()));
            listener.stageFromStore(stage, image, stored.get());
            return Optional.of(new Taken(stored.get(), local));
        } catch (IOException | CommandFailedException e) {
            note(stage, "the stage store could not give it (" + describe(e) + "); building it");
            return Optional.empty();
        }
    }

    /** A stage taken from the store; {@code local}: from this machine's store, so the registry may lack it. */
    record Taken(StoredStage stored, boolean local) {
    }

    /** The stage from the registry, into the local store; empty (saying why) when that cannot be done. */
    private Optional<StoredStage> pull(Stage stage, String key, Optional<String> baseKey) throws InterruptedException {
        RegistryStore registry = remote.orElseThrow();
        Optional<StoredStage> base = Optional.empty();
        try {
            if (baseKey.isPresent()) {
                base = store.find(baseKey.get());
                if (base.isEmpty()) {
                    return Optional.empty(); // its base was built here, so this stage is not the registry's
                }
            }
        } catch (IOException e) {
            note(stage, "the stage store could not give it (" + describe(e) + "); building it");
            return Optional.empty();
        }
        try (Scratch scratch = store.scratch("pull-" + key)) {
            Optional<RegistryStore.Pulled> pulled = registry.pull(key, scratch.dir(), line -> note(stage, line));
            if (pulled.isEmpty()) {
                return Optional.empty();
            }
            StoredStage stored = store.adopt(pulled.get(), base);
            listener.stagePulled(stage, registry.location(), stored);
            return Optional.of(stored);
        } catch (IOException | CommandFailedException e) {
            note(stage, "the stage store " + registry.location() + " could not give it (" + describe(e) + "); building it");
            return Optional.empty();
        }
    }

    /** Pushes a stored stage to the registry unless it has it; a failure is said, never fatal. */
    void push(Stage stage, StoredStage stored) throws InterruptedException {
        if (remote.isEmpty()) {
            return;
        }
        RegistryStore registry = remote.get();
        try (LockFile.Shared op = operation(stage); Scratch scratch = store.scratch("push-" + stored.key())) {
            if (registry.push(stored, scratch.dir())) {
                note(stage, "pushed to the stage store " + registry.location() + " (" + (stored.size() >> 20) + " MiB)");
            }
        } catch (IOException | CommandFailedException e) {
            note(stage, "not pushed to the stage store " + registry.location() + ": " + describe(e));
        }
    }

    /** An exception's message, or its kind when it has none (a refused connection has none). */
    private static String describe(Exception e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException) {
            return "cannot connect: " + (message == null ? "connection refused" : message);
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /**
     * Keeps a sealed stage in the store under its key, when its base is stored (or it has none) and its
     * image holds its own data (not an overlay of a stored layer already). Returns the stored stage, for a
     * push, when the store has it.
     */
    Optional<StoredStage> keep(Stage stage, String key, Optional<String> base, Optional<String> baseKey)
            throws InterruptedException {
        try (LockFile.Shared op = operation(stage)) {
            Optional<StoredStage> already = store.find(key);
            if (already.isPresent()) {
                return already;
            }
            Path image = layout.stageImage(stage.name());
            if (!QcowChain.backingOf(image).equals(base.map(layout::stageImage).map(Path::toAbsolutePath))) {
                return Optional.empty(); // an overlay of a stored layer: that layer is what would be kept
            }
            Optional<StoredStage> baseLayer = Optional.empty();
            if (baseKey.isPresent()) {
                baseLayer = store.find(baseKey.get());
                if (baseLayer.isEmpty()) {
                    note(stage, "not kept in the stage store: the stage it builds on is not there");
                    return Optional.empty();
                }
            }
            StoredStage stored = store.put(key, stage.name(), image, baseLayer, layout.doneMarker(stage.name()), imgName);
            listener.stageKept(stage, stored);
            return Optional.of(stored);
        } catch (IOException | CommandFailedException e) {
            note(stage, "not kept in the stage store: " + e.getMessage());
            return Optional.empty();
        }
    }

    private LockFile.Shared operation(Stage stage) throws IOException, InterruptedException {
        return store.operation(() -> note(stage, "waiting for a prune of the stage store to finish"));
    }

    private void note(Stage stage, String text) {
        listener.note(stage, text);
    }
}
