package io.strata.export;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.strata.config.SecretMasker;
import io.strata.disk.DiskAccess;
import io.strata.disk.DiskTools;
import io.strata.disk.Ledger;
import io.strata.disk.ResourceScope;
import io.strata.engine.BuildContext;
import io.strata.engine.BuildLog;
import io.strata.engine.RunTools;
import io.strata.engine.WorkLayout;
import io.strata.exec.Command;
import io.strata.testing.FakeAttacher;
import io.strata.testing.RecordingRunner;
import io.strata.testing.TestConfig;

/**
 * What the exporters' unit tests share: a work dir below {@code base} holding a sealed stage image,
 * the run tools' paths, an attacher that hands out made-up devices, and the build log.
 */
final class ExportFixture implements AutoCloseable {

    final Path base;
    final Path work;
    final Path stageImage;
    final RunTools tools;
    final FakeAttacher attacher = new FakeAttacher();
    final BuildLog log;

    ExportFixture(Path base, String stage) throws IOException {
        this.base = base;
        work = Files.createDirectories(base.resolve("work"));
        stageImage = Files.writeString(work.resolve("image-" + stage + ".qcow2"), "sealed stage");
        tools = io.strata.testing.TestTools.in(base);
        log = BuildLog.open(work.resolve("build.log"), new SecretMasker(List.of()), new PrintStream(PrintStream.nullOutputStream()));
    }

    /** The exporters' parts over {@code runner}, for a config of image "t" made on 2026-11-22 and {@code values}. */
    ExportParts parts(RecordingRunner runner, Map<String, String> values) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("IMG_NAME", "t", "IMG_DATE", "2026-11-22", "BASE_DIR", base.toString(),
                "WORK_DIR", work.toString(), "DEPLOY_DIR", base.resolve("deploy").toString()));
        all.putAll(values);
        return new ExportParts(new BuildContext(TestConfig.of(all), new WorkLayout(work), log, tools),
                new DiskAccess(new DiskTools(runner), attacher, new ResourceScope(Ledger.open(work.resolve("ledger")))),
                "test", null, new PrintWriter(PrintStream.nullOutputStream()));
    }

    /** The scripts run in the overlay's chroot, in order. */
    static List<Command> scripts(RecordingRunner runner) {
        return runner.commands().stream().filter(c -> c.argv().get(0).equals("unshare")).toList();
    }

    static void file(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
