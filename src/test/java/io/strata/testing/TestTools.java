package io.strata.testing;

import java.nio.file.Path;

import io.strata.engine.RunTools;

/** Strata's run tools for unit tests: each script's path in {@code dir}, none of them written (a recording runner runs nothing). */
public final class TestTools {

    private TestTools() {
    }

    public static RunTools in(Path dir) {
        return new RunTools(dir.resolve("helpers.sh"), dir.resolve("chroot-enter.sh"), dir.resolve("export-prepare.sh"),
                dir.resolve("export-clean.sh"), dir.resolve("live-prepare.sh"), dir.resolve("live-boot.sh"), dir);
    }
}
