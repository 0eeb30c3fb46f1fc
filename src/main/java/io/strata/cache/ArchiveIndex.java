package io.strata.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Where an archive keeps the packages a lock names: its Packages index for one suite, component and
 * architecture ({@code http://HOST/PATH/dists/SUITE/COMPONENT/binary-ARCH/Packages.gz}), read over HTTP
 * (through APT_PROXY when the build has one), and each package's .deb fetched from the pool.
 */
final class ArchiveIndex {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http;

    ArchiveIndex(Optional<URI> proxy) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL);
        proxy.ifPresent(p -> builder.proxy(ProxySelector.of(new InetSocketAddress(p.getHost(),
                p.getPort() < 0 ? 80 : p.getPort()))));
        this.http = builder.build();
    }

    /** The index of {@code archive} ("host/path suite/component", as in a lock) for {@code arch}. */
    static URI indexUri(String archive, String arch) {
        String[] parts = archive.split(" ", 2);
        return URI.create("http://" + parts[0] + "/dists/" + parts[1] + "/binary-" + arch + "/Packages.gz");
    }

    /** The .deb at {@code filename} (an index's Filename field) of {@code archive}. */
    static URI debUri(String archive, String filename) {
        return URI.create("http://" + archive.split(" ", 2)[0] + "/" + filename);
    }

    /** Every package of the index at {@code uri}, by "name version architecture", as its SHA-256 and file name in the pool. */
    Map<String, Pooled> packages(URI uri) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered HTTP " + response.statusCode());
            }
            return read(new BufferedReader(new InputStreamReader(new GZIPInputStream(body), StandardCharsets.UTF_8)));
        }
    }

    static Map<String, Pooled> read(BufferedReader index) throws IOException {
        Map<String, Pooled> found = new HashMap<>();
        ControlParagraphs.read(index, fields -> {
            String name = fields.get("Package");
            String version = fields.get("Version");
            String arch = fields.get("Architecture");
            String sha256 = fields.get("SHA256");
            String filename = fields.get("Filename");
            if (name != null && version != null && arch != null && sha256 != null && filename != null
                    && !filename.startsWith("/") && !filename.contains("..")) {
                found.put(name + " " + version + " " + arch, new Pooled(sha256, filename));
            }
        });
        return found;
    }

    /** Downloads {@code uri} to {@code target}. */
    void download(URI uri, Path target) throws IOException, InterruptedException {
        HttpResponse<Path> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofFile(target));
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
    }

    /** A package as an index lists it: its .deb's SHA-256 and its path below the archive. */
    record Pooled(String sha256, String filename) {
    }
}
