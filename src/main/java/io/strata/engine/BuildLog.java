package io.strata.engine;

import io.strata.config.SecretMasker;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import io.strata.exec.LineSink;

/**
 * {@code build.log}: every line every command prints, with a timestamp, as it happens, with secrets
 * masked. With {@code echo} set, lines are copied to the console too (-v).
 */
public final class BuildLog implements LineSink, AutoCloseable {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path path;
    private final BufferedWriter writer;
    private final SecretMasker masker;
    private final PrintStream echo;
    private final LogWatch watch;

    private BuildLog(Path path, BufferedWriter writer, SecretMasker masker, PrintStream echo, LogWatch watch) {
        this.path = path;
        this.writer = writer;
        this.masker = masker;
        this.echo = echo;
        this.watch = watch;
    }

    public static BuildLog open(Path path, SecretMasker masker, PrintStream echo) throws IOException {
        return open(path, masker, echo, null);
    }

    /** {@code watch}, when given, sees every command's line as it is written (never Strata's own notes). */
    public static BuildLog open(Path path, SecretMasker masker, PrintStream echo, LogWatch watch) throws IOException {
        Files.createDirectories(path.getParent());
        BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new BuildLog(path, writer, masker, echo, watch);
    }

    public Path path() {
        return path;
    }

    @Override
    public void line(String line) {
        String masked = write(line);
        if (watch != null) {
            watch.check(masked);
        }
    }

    private synchronized String write(String line) {
        String masked = masker.mask(line);
        try {
            writer.write(LocalDateTime.now().format(STAMP));
            writer.write(" | ");
            writer.write(masked);
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build log " + path, e);
        }
        if (echo != null) {
            echo.println(masked);
        }
        return masked;
    }

    /** One of Strata's own lines (a stage starting, a command being run). */
    public void note(String text) {
        write("== " + text);
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
