package io.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.BadInputException;
import io.strata.reuse.Digests;

/** The check before a build from a lock: each locked package in the cache by SHA-256, or named. */
class LockedRepositoryTest {

    @TempDir
    Path cacheDir;

    private LockedPackage locked(String name, String content) {
        return new LockedPackage(name, "1.0", "amd64", Digests.of(content), "deb.debian.org/debian trixie/main", "optional",
                "misc");
    }

    @Test
    void offlineEveryLockedPackageMustBeInTheCacheWithItsSha256() throws Exception {
        LockedPackage present = locked("present", "the right bytes");
        LockedPackage tampered = locked("tampered", "the locked bytes");
        LockedPackage absent = locked("absent", "never fetched");
        Files.writeString(cacheDir.resolve(present.debFileName()), "the right bytes");
        Files.writeString(cacheDir.resolve(tampered.debFileName()), "other bytes");
        LockedPackages lock = new LockedPackages("trixie", "amd64", List.of(present, tampered, absent));

        assertThatThrownBy(() -> LockedRepository.plan(new PackageCache(cacheDir), lock, cacheDir.resolve("locked/x"), true,
                Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("OFFLINE=1, but 2 of the 3 locked packages are not in the package cache")
                .hasMessageContaining("tampered 1.0 amd64 (deb.debian.org/debian trixie/main)")
                .hasMessageContaining("absent 1.0 amd64")
                .hasMessageNotContaining("present 1.0");

        Files.writeString(cacheDir.resolve(tampered.debFileName()), "the locked bytes");
        Files.writeString(cacheDir.resolve(absent.debFileName()), "never fetched");
        assertThat(LockedRepository.plan(new PackageCache(cacheDir), lock, cacheDir.resolve("locked/x"), true,
                Optional.empty()).toFetch()).isZero();
    }
}
