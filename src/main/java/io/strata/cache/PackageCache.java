package io.strata.cache;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import io.strata.lock.Scratch;

/**
 * PACKAGE_CACHE_DIR: every .deb any build downloaded, shared by every build of this host, any number
 * of them at once. apt never works in it: each stage gets an archive directory of its own (a
 * {@link Lease}) under {@code leases/}, filled with hard links to the cached packages, and bound over
 * the image's {@code /var/cache/apt/archives}. apt locks, downloads into its {@code partial/} and cleans
 * there as it likes; what it completed is linked back into the cache after each step, under its final
 * name in one step (a link, or a copy renamed into place), so a half-downloaded package never appears
 * in the cache, and no build waits for another's apt. A lease a killed build left is swept by the
 * next one (its lock is free). The initramfs cache lives beside the packages, in {@code initramfs/}.
 */
public final class PackageCache {

    static final String LEASES = "leases";
    /** The variables through which chroot-enter.sh and the bootstrap find the cache: the cache, a lease's archives and scratch. */
    public static final String CACHE = "STRATA_PACKAGE_CACHE";
    public static final String ARCHIVES = "STRATA_APT_ARCHIVES";
    public static final String TMP = "STRATA_CACHE_TMP";
    private static final String DEB = ".deb";

    private final Path dir;

    public PackageCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /**
     * An archive directory for one stage's apt, holding every cached package (as links), after the
     * leases of dead builds are swept.
     */
    public Lease lease(String holder) throws IOException {
        Files.createDirectories(dir);
        Path leases = dir.resolve(LEASES);
        Scratch.sweep(leases);
        Scratch scratch = Scratch.create(leases, "apt", holder);
        try {
            // apt's sandbox user must reach partial/ through the bind mount's root.
            Files.setPosixFilePermissions(scratch.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Path archives = Files.createDirectory(scratch.dir().resolve("archives"));
            Files.createDirectory(archives.resolve("partial"));
            Path tmp = Files.createDirectory(scratch.dir().resolve("tmp"));
            for (Path deb : cached()) {
                linkOrCopy(deb, archives.resolve(deb.getFileName()));
            }
            return new Lease(this, scratch, archives, tmp);
        } catch (IOException | RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    /** {@code env} without the cache: for the steps that clean apt's cache in an image (exports). */
    public static java.util.Map<String, String> without(java.util.Map<String, String> env) {
        java.util.Map<String, String> clean = new java.util.LinkedHashMap<>(env);
        clean.keySet().removeAll(List.of(CACHE, ARCHIVES, TMP));
        return clean;
    }

    /** The cached packages. */
    List<Path> cached() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(PackageCache::isDeb).sorted().toList();
        }
    }

    /** A complete package of a lease enters the cache under its final name, unless it is there already. */
    void adopt(Path deb, Path tmp) throws IOException {
        Path target = dir.resolve(deb.getFileName());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createLink(target, deb);
        } catch (FileAlreadyExistsException e) {
            // another build put the same package in just now
        } catch (IOException | UnsupportedOperationException e) {
            Path partial = tmp.resolve(deb.getFileName() + ".partial");
            Files.copy(deb, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static boolean isDeb(Path file) {
        return file.getFileName().toString().endsWith(DEB) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** A hard link where the file system allows one (the lease lies in the cache, so it normally does). */
    static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (FileAlreadyExistsException e) {
            // listed twice: nothing to do
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    /**
     * One stage's apt archive directory ({@link #archives()}) and a scratch directory on the cache's file
     * system ({@link #tmp()}, for the initramfs cache's writes), both gone when it is closed.
     */
    public static final class Lease implements AutoCloseable {

        private final PackageCache cache;
        private final Scratch scratch;
        private final Path archives;
        private final Path tmp;

        Lease(PackageCache cache, Scratch scratch, Path archives, Path tmp) {
            this.cache = cache;
            this.scratch = scratch;
            this.archives = archives;
            this.tmp = tmp;
        }

        public Path archives() {
            return archives;
        }

        public Path tmp() {
            return tmp;
        }

        /** {@code env} with this lease: the archive directory to bind over apt's, and the scratch directory. */
        public java.util.Map<String, String> environment(java.util.Map<String, String> env) {
            java.util.Map<String, String> leased = new java.util.LinkedHashMap<>(env);
            leased.put(ARCHIVES, archives.toString());
            leased.put(TMP, tmp.toString());
            return leased;
        }

        /**
         * Every package apt completed here since the lease was made (a file of its own: one link, not one
         * of the cache's) enters the cache; what is still in {@code partial/} does not. Returns how many.
         */
        public int publish() throws IOException {
            int added = 0;
            try (Stream<Path> files = Files.list(archives)) {
                for (Path deb : files.filter(PackageCache::isDeb).sorted().toList()) {
                    if ((Integer) Files.getAttribute(deb, "unix:nlink", LinkOption.NOFOLLOW_LINKS) == 1) {
                        cache.adopt(deb, tmp);
                        added++;
                    }
                }
            }
            return added;
        }

        /** Publishes what is complete, then removes the lease. */
        @Override
        public void close() throws IOException {
            try {
                publish();
            } finally {
                scratch.close();
            }
        }
    }
}
