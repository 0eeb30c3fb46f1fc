package io.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

import io.strata.cache.PackageCache;

/**
 * The apt archive directory of one stage (or export): a lease of the shared package cache when the build
 * has one, nothing otherwise. Packages apt completed are handed to the cache after each step, so a build
 * killed later keeps them for the next, and the lease goes when the stage ends.
 */
final class AptArchives implements AutoCloseable {

    private static final AptArchives NONE = new AptArchives(Optional.empty());

    private final Optional<PackageCache.Lease> lease;

    private AptArchives(Optional<PackageCache.Lease> lease) {
        this.lease = lease;
    }

    static AptArchives lease(Optional<PackageCache> cache, String holder) throws IOException {
        return cache.isEmpty() ? NONE : new AptArchives(Optional.of(cache.get().lease(holder)));
    }

    /** {@code env} with the lease's directories, for chroot-enter.sh and the bootstrap. */
    Map<String, String> environment(Map<String, String> env) {
        return lease.map(l -> l.environment(env)).orElse(env);
    }

    /** Hands what apt downloaded completely to the shared cache. */
    void publish() {
        if (lease.isPresent()) {
            try {
                lease.get().publish();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the downloaded packages in the package cache "
                        + lease.get().archives() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (lease.isPresent()) {
            lease.get().close();
        }
    }
}
