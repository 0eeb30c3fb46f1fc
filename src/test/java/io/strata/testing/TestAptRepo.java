package io.strata.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.strata.reuse.Digests;

/**
 * A real apt repository on 127.0.0.1 for TEMP_REPO: packages made with dpkg-deb, a Packages index
 * and an unsigned Release file (the source line says [trusted=yes]), served over HTTP.
 */
public final class TestAptRepo implements AutoCloseable {

    private final Path root;
    private final String suite;
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final StringBuilder packages = new StringBuilder();

    private TestAptRepo(Path root, String suite) throws IOException {
        this.root = root;
        this.suite = suite;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
            exchange.close();
        });
        server.start();
    }

    /** An empty repository for {@code suite} (component main, architecture amd64) in {@code root}. */
    public static TestAptRepo start(Path root, String suite) throws IOException {
        Files.createDirectories(root);
        return new TestAptRepo(root.toAbsolutePath(), suite);
    }

    /** A package of architecture all holding one text file, built by dpkg-deb into {@code out}. */
    public static Path buildDeb(Path work, String name, String depends, Path out) throws IOException, InterruptedException {
        Path tree = work.resolve(name + "-tree");
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.createDirectories(tree.resolve("usr/share/strata-it"));
        Files.writeString(tree.resolve("usr/share/strata-it/" + name + ".txt"), "installed by " + name + "\n");
        Files.writeString(tree.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: 1.0\nArchitecture: all\n"
                + "Maintainer: Strata tests <tests@strata.invalid>\n" + (depends.isEmpty() ? "" : "Depends: " + depends + "\n")
                + "Description: a package made by Strata's tests\n");
        Files.createDirectories(out.getParent());
        Host.output(work, "dpkg-deb", "--root-owner-group", "--build", tree.toString(), out.toString());
        return out;
    }

    /** Adds a package to the pool and the index, and rewrites the index and Release. */
    public void add(Path work, String name, String depends) throws IOException, InterruptedException {
        Path deb = buildDeb(work, name, depends, root.resolve("pool/" + name + "_1.0_all.deb"));
        packages.append(Host.output(work, "dpkg-deb", "-f", deb.toString()).strip()).append('\n')
                .append("Filename: pool/").append(deb.getFileName()).append('\n')
                .append("Size: ").append(Files.size(deb)).append('\n')
                .append("SHA256: ").append(Digests.ofFile(deb)).append("\n\n");
        Path index = root.resolve("dists/" + suite + "/main/binary-amd64/Packages");
        Files.createDirectories(index.getParent());
        Files.writeString(index, packages.toString());
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'",
                Locale.ROOT));
        Files.writeString(root.resolve("dists/" + suite + "/Release"), "Origin: strata-it\nSuite: " + suite + "\nCodename: "
                + suite + "\nDate: " + date + "\nArchitectures: amd64\nComponents: main\nSHA256:\n "
                + Digests.ofFile(index) + " " + Files.size(index) + " main/binary-amd64/Packages\n");
    }

    /** The TEMP_REPO line for this repository, with RELEASE for the suite as a user writes it. */
    public String sourceLine() {
        return "deb [trusted=yes] http://127.0.0.1:" + port() + "/ RELEASE main";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
