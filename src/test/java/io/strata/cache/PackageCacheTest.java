package io.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.testing.LockHolder;

class PackageCacheTest {

    @TempDir
    Path cacheDir;

    @Test
    void aLeaseHoldsTheCachedPackagesAsLinksAndApAllOfItsOwn() throws Exception {
        Path cached = Files.writeString(cacheDir.resolve("less_590-2_amd64.deb"), "a package");
        Files.writeString(cacheDir.resolve("not-a-package.txt"), "no");
        PackageCache cache = new PackageCache(cacheDir);
        try (PackageCache.Lease lease = cache.lease("test")) {
            Path linked = lease.archives().resolve("less_590-2_amd64.deb");
            assertThat(Files.isSameFile(linked, cached)).as("a hard link, not a copy").isTrue();
            assertThat(lease.archives().resolve("not-a-package.txt")).doesNotExist();
            assertThat(lease.archives().resolve("partial")).isDirectory();
            assertThat(lease.archives()).isNotEqualTo(cacheDir);
            // what apt does to its own directory (apt-get clean) never reaches the cache
            Files.delete(linked);
        }
        assertThat(cached).hasContent("a package");
    }

    @Test
    void onlyCompletePackagesReachTheCacheUnderTheirFinalName() throws Exception {
        PackageCache cache = new PackageCache(cacheDir);
        try (PackageCache.Lease lease = cache.lease("test")) {
            Files.writeString(lease.archives().resolve("hello_2.10_amd64.deb"), "complete");
            Files.writeString(lease.archives().resolve("partial/vim_9.0_amd64.deb"), "half");
            assertThat(lease.publish()).isEqualTo(1);
            assertThat(lease.publish()).as("published once").isZero();
            assertThat(cacheDir.resolve("hello_2.10_amd64.deb")).hasContent("complete");
        }
        assertThat(cacheDir.resolve("vim_9.0_amd64.deb")).doesNotExist();
        try (var all = Files.walk(cacheDir)) {
            assertThat(all.filter(p -> p.getFileName().toString().startsWith("vim"))).as("no half download anywhere").isEmpty();
        }
        try (PackageCache.Lease next = cache.lease("next")) {
            assertThat(next.archives().resolve("hello_2.10_amd64.deb")).hasContent("complete");
        }
    }

    @Test
    void leasesSideBySideNeverShareADirectory() throws Exception {
        PackageCache cache = new PackageCache(cacheDir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> dirs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                dirs.add(pool.submit(() -> {
                    try (PackageCache.Lease lease = cache.lease("build " + n)) {
                        Files.writeString(lease.archives().resolve("p" + n + "_1_all.deb"), "package " + n);
                        return lease.archives();
                    }
                }));
            }
            List<Path> seen = new ArrayList<>();
            for (Future<Path> dir : dirs) {
                seen.add(dir.get());
            }
            assertThat(seen).doesNotHaveDuplicates();
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < 8; i++) {
            assertThat(cacheDir.resolve("p" + i + "_1_all.deb")).hasContent("package " + i);
        }
        try (var leases = Files.list(cacheDir.resolve(PackageCache.LEASES))) {
            assertThat(leases).as("every lease is gone with its lock").isEmpty();
        }
    }

    @Test
    void aKilledBuildsLeaseAndItsHalfDownloadAreSweptByTheNextLease() throws Exception {
        Path dead;
        try (LockHolder other = LockHolder.start("lease", cacheDir.toString())) {
            dead = other.held();
            Files.writeString(dead.resolve("partial/big_1_amd64.deb"), "half");
        }
        try (PackageCache.Lease lease = new PackageCache(cacheDir).lease("next")) {
            assertThat(dead).doesNotExist();
        }
        try (var all = Files.walk(cacheDir)) {
            assertThat(all.filter(p -> p.getFileName().toString().startsWith("big"))).isEmpty();
        }
    }
}
