package io.strata.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.reuse.InputCollector;
import io.strata.testing.LockHolder;
import io.strata.testing.TestConfig;

/**
 * What a build session decides before it touches a disk: a work dir another build holds is refused,
 * naming that build, before the stages are even decided; bad input found while deciding stops the
 * build with the work dir made root's alone and no log, ledger or exporter made.
 */
class BuildSessionTest {

    @TempDir
    Path base;

    private BuildSession session(Path work, AtomicBoolean exportersMade) throws Exception {
        BuildConfig config = TestConfig.of(Map.of("IMG_NAME", "t", "BASE_DIR", base.toString(), "WORK_DIR", work.toString(),
                "DEPLOY_DIR", base.resolve("deploy").toString(), "PACKAGE_CACHE_DIR", "", "STAGE_STORE_DIR", ""));
        PrintWriter quiet = new PrintWriter(new StringWriter());
        return new BuildSession(config, new WorkLayout(work), () -> new InputCollector(config, new byte[32], "test", "test"),
                resources -> {
                    exportersMade.set(true);
                    return List.of();
                }, false, new BuildSession.Console(quiet, quiet, new PrintStream(PrintStream.nullOutputStream()),
                        new BuildListener() {
                        }));
    }

    @Test
    void aWorkDirAnotherBuildHoldsIsRefusedNamingItBeforeTheStagesAreDecided() throws Exception {
        Path work = Files.createDirectories(base.resolve("work"));
        AtomicBoolean decided = new AtomicBoolean();
        AtomicBoolean exporters = new AtomicBoolean();
        try (LockHolder other = LockHolder.start("lock", work.resolve("build.lock").toString())) {
            assertThatThrownBy(() -> session(work, exporters).run(inputs -> {
                decided.set(true);
                return List.of();
            }, "./build -c second.cfg")).isInstanceOf(BuildLock.HeldException.class)
                    .hasMessageContaining("another build is using " + work)
                    .hasMessageContaining("give this build its own WORK_DIR");
        }
        assertThat(decided).isFalse();
        assertThat(exporters).isFalse();
        assertThat(work.resolve("build.log")).doesNotExist();
    }

    @Test
    void badInputWhileDecidingStopsTheBuildBeforeItsLogLedgerOrExporters() throws Exception {
        Path work = base.resolve("work");
        AtomicBoolean exporters = new AtomicBoolean();
        assertThatThrownBy(() -> session(work, exporters).run(inputs -> {
            throw new BadInputException(List.of("stage1/VARIABLES names NO_SUCH_VARIABLE"));
        }, "./build")).isInstanceOf(BadInputException.class);

        assertThat(Files.getPosixFilePermissions(work)).as("the work dir is root's alone from the start")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(work.resolve("build.log")).doesNotExist();
        assertThat(new WorkLayout(work).ledger()).doesNotExist();
        assertThat(exporters).isFalse();
        assertThat(BuildLock.holder(work.resolve("build.lock"))).as("the lock is let go").isEmpty();
    }
}
