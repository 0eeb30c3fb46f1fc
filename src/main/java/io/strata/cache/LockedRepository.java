package io.strata.cache;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.strata.config.BadInputException;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.lock.Scratch;
import io.strata.reuse.Digests;

/**
 * The one apt source of a build from a package lock (PACKAGE_LOCK): a flat repository holding exactly the
 * locked .debs (hard links into the package cache) and their Packages index, kept in the cache under the
 * lock's digest ({@code PACKAGE_CACHE_DIR/locked/DIGEST}), made once and shared by every build of that
 * lock. apt then has no other version to choose. {@link #plan} checks every locked package before anything
 * is built: in the cache with its SHA-256, or (unless offline) still in its archive; {@link #make} fetches
 * what the archive still has and writes the repository.
 */
public final class LockedRepository {

    static final String DIR = "locked";
    /** The repository's index, written last: a repository without it is not whole. */
    static final String INDEX = "Packages";
    static final String RELEASE = "Release";
    /** The apt source with which the bootstrap (mmdebstrap, apt on the host) reads it: copied into the image's archives. */
    public static final String BOOTSTRAP_SOURCE = "bootstrap.list";
    /** The variable through which chroot-enter.sh and the bootstrap find it. */
    public static final String REPOSITORY = "STRATA_LOCK_REPO";

    private final PackageCache cache;
    private final LockedPackages lock;
    private final Path location;
    private final Map<LockedPackage, URI> fetch;
    private final ArchiveIndex archives;

    private LockedRepository(PackageCache cache, LockedPackages lock, Path location, Map<LockedPackage, URI> fetch,
            ArchiveIndex archives) {
        this.cache = cache;
        this.lock = lock;
        this.location = location;
        this.fetch = fetch;
        this.archives = archives;
    }

    /** Where the repository of the lock file {@code lockFile} lies in the cache at {@code cacheDir}. */
    public static Path location(Path cacheDir, Path lockFile) throws IOException {
        return cacheDir.resolve(DIR).resolve(Digests.ofFile(lockFile));
    }

    /**
     * Checks that every package {@code lock} names can be had: from the cache (by SHA-256), or, unless
     * {@code offline}, from its archive's index at the locked version and SHA-256 (read over HTTP, through
     * {@code proxy} when there is one, only for packages the cache lacks). Names every one that cannot.
     */
    public static LockedRepository plan(PackageCache cache, LockedPackages lock, Path location, boolean offline,
            java.util.Optional<URI> proxy) throws BadInputException, IOException, InterruptedException {
        ArchiveIndex archives = new ArchiveIndex(proxy);
        Map<LockedPackage, URI> fetch = new LinkedHashMap<>();
        if (Files.isRegularFile(location.resolve(INDEX))) {
            return new LockedRepository(cache, lock, location, fetch, archives); // made by an earlier build
        }
        List<LockedPackage> missing = new ArrayList<>();
        for (LockedPackage deb : lock.packages()) {
            Path cached = cache.dir().resolve(deb.debFileName());
            if (!Files.isRegularFile(cached) || !Digests.ofFile(cached).equals(deb.sha256())) {
                missing.add(deb);
            }
        }
        if (missing.isEmpty()) {
            return new LockedRepository(cache, lock, location, fetch, archives);
        }
        List<String> problems = new ArrayList<>();
        if (offline) {
            problems.add("OFFLINE=1, but " + missing.size() + " of the " + lock.packages().size() + " locked packages are not "
                    + "in the package cache " + cache.dir() + " (with the locked SHA-256); build once with the network "
                    + "(PACKAGE_LOCK without OFFLINE=1 fetches them from their archives) or put the .debs there:");
            missing.forEach(deb -> problems.add(deb.key() + " (" + deb.archive() + ")"));
            throw new BadInputException(problems);
        }
        Map<URI, Map<String, ArchiveIndex.Pooled>> indexes = new TreeMap<>();
        for (LockedPackage deb : missing) {
            URI index = ArchiveIndex.indexUri(deb.archive(), lock.architecture());
            Map<String, ArchiveIndex.Pooled> listed = indexes.get(index);
            if (listed == null) {
                try {
                    listed = archives.packages(index);
                } catch (IOException e) {
                    problems.add(deb.key() + " is not in the package cache, and its archive's index " + index
                            + " cannot be read: " + e.getMessage());
                    listed = Map.of();
                }
                indexes.put(index, listed);
            }
            ArchiveIndex.Pooled pooled = listed.get(deb.key());
            if (pooled != null && pooled.sha256().equals(deb.sha256())) {
                fetch.put(deb, ArchiveIndex.debUri(deb.archive(), pooled.filename()));
            } else if (!listed.isEmpty()) {
                problems.add(deb.key() + " is neither in the package cache " + cache.dir() + " nor, with the locked "
                        + "SHA-256, in " + deb.archive() + " any more (" + index + "): the lock cannot be built again; "
                        + "build without PACKAGE_LOCK for the archive's current versions");
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return new LockedRepository(cache, lock, location, fetch, archives);
    }

    /** The packages the archive must give (the cache lacks them). */
    public int toFetch() {
        return fetch.size();
    }

    /**
     * Fetches what the cache lacks (checked by SHA-256, then kept in the cache), then writes the repository
     * (links, index, bootstrap source) in a scratch directory renamed into place. Returns its location.
     */
    public Path make(ProcessRunner runner) throws IOException, InterruptedException, CommandFailedException {
        if (Files.isRegularFile(location.resolve(INDEX))) {
            return location;
        }
        Path parent = Files.createDirectories(location.getParent());
        try (Scratch scratch = Scratch.create(parent.resolve(".partial"), "repo", "the locked repository " + location)) {
            for (Map.Entry<LockedPackage, URI> entry : fetch.entrySet()) {
                Path partial = scratch.dir().resolve(entry.getKey().debFileName() + ".partial");
                archives.download(entry.getValue(), partial);
                if (!Digests.ofFile(partial).equals(entry.getKey().sha256())) {
                    throw new IOException(entry.getValue() + " does not have the locked SHA-256 " + entry.getKey().sha256());
                }
                Path deb = Files.move(partial, scratch.dir().resolve(entry.getKey().debFileName()));
                cache.adopt(deb, scratch.dir());
                Files.delete(deb);
            }
            Path repo = Files.createDirectory(scratch.dir().resolve("repo"));
            for (LockedPackage deb : lock.packages()) {
                PackageCache.linkOrCopy(cache.dir().resolve(deb.debFileName()), repo.resolve(deb.debFileName()));
            }
            // The archive's priority and section (an override file), not the .deb's: mmdebstrap's minbase
            // installs the archive's required packages and apt marks the rest as automatically installed.
            Path override = scratch.dir().resolve("override");
            StringBuilder overrides = new StringBuilder();
            lock.packages().stream().filter(deb -> !"-".equals(deb.priority()) && !"-".equals(deb.section()))
                    .map(deb -> deb.name() + " " + deb.priority() + " " + deb.section() + "\n").distinct().sorted()
                    .forEach(overrides::append);
            Files.writeString(override, overrides, StandardCharsets.UTF_8);
            Path index = scratch.dir().resolve(INDEX);
            runner.check(Command.of("apt-ftparchive", "packages", ".", override.toString()).inDirectory(repo)
                    .withStdout(index));
            // copy: the bootstrap's apt (on the host) copies each .deb into the image's archive directory,
            // where mmdebstrap unpacks the essential set; a file: source's packages would lie outside the image.
            Files.writeString(repo.resolve(BOOTSTRAP_SOURCE), "deb [trusted=yes] copy://" + location + " ./\n",
                    StandardCharsets.UTF_8);
            Files.move(index, repo.resolve(INDEX));
            // mmdebstrap picks the essential and required packages of the suite it bootstraps (?archive or
            // ?codename): the repository's Release file names it. Unsigned: the source is trusted=yes.
            Path release = scratch.dir().resolve(RELEASE);
            runner.check(Command.of("apt-ftparchive", "-o", "APT::FTPArchive::Release::Suite=" + lock.release(),
                    "-o", "APT::FTPArchive::Release::Codename=" + lock.release(), "release", ".")
                    .inDirectory(repo).withStdout(release));
            Files.move(release, repo.resolve(RELEASE));
            // apt's sandbox user (_apt) reads it
            Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(repo, location, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another build of the same lock put it there just now
            }
        }
        return location;
    }
}
