package io.strata.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.strata.config.RegistryLocation;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.reuse.Digests;

/**
 * STAGE_STORE_URL: stages shared through an OCI registry (the distribution specification's HTTP API).
 * A stage is an artifact tagged with its key: its qcow2 layer compressed with zstd, its store record
 * and its done record, each a blob checked by its digest. Logins come from the user's container login
 * files ({@link RegistryCredentials}), never from the config, and never reach a log.
 */
public final class RegistryStore {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String ARTIFACT_TYPE = "application/vnd.strata.stage.v1";
    static final String LAYER_TYPE = "application/vnd.strata.stage.layer.v1.qcow2+zstd";
    static final String RECORD_TYPE = "application/vnd.strata.stage.record.v1";
    static final String DONE_TYPE = "application/vnd.strata.stage.done.v1";
    static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);
    private static final long PROGRESS_FROM = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An upload's status: {@code Range: 0-LAST}, some registries with "bytes=". */
    private static final Pattern UPLOAD_RANGE = Pattern.compile("(?:bytes=)?0-(\\d+)");

    /** A stage fetched from the registry, its blobs checked, its layer unpacked in a scratch directory. */
    public record Pulled(StoredStage record, Path layer, Path done) {
    }

    /**
     * How hard the client tries: {@code attempts} per request (a dropped connection, a 5xx or a 429 is
     * tried again after {@code pause}, doubled each time), and the size of one PATCH of a blob upload.
     */
    public record Tuning(int attempts, Duration pause, int chunkBytes) {
        public static final Tuning DEFAULT = new Tuning(4, Duration.ofSeconds(1), 32 << 20);
    }

    private final RegistryLocation location;
    private final ProcessRunner runner;
    private final Map<String, String> env;
    private final Tuning tuning;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private Optional<RegistryCredentials.Login> login;
    private String authorization;

    public RegistryStore(RegistryLocation location, ProcessRunner runner, Map<String, String> env) {
        this(location, runner, env, Tuning.DEFAULT);
    }

    public RegistryStore(RegistryLocation location, ProcessRunner runner, Map<String, String> env, Tuning tuning) {
        this.location = location;
        this.runner = runner;
        this.env = env;
        this.tuning = tuning;
    }

    /** The user's login to this registry, looked up (a credential helper asked) when the registry first asks. */
    private Optional<RegistryCredentials.Login> login() throws IOException, InterruptedException {
        if (login == null) {
            login = RegistryCredentials.forRegistry(location.hostPort(), env, new CredentialHelperProgram(runner, env));
        }
        return login;
    }

    public RegistryLocation location() {
        return location;
    }

    /** Whether the registry has the stage of {@code key}. */
    public boolean has(String key) throws IOException, InterruptedException {
        HttpResponse<Void> response = send(request("/manifests/" + key).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", MANIFEST_TYPE), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 200, "asking for " + key.substring(0, 12));
        return true;
    }

    /** Pushes a stored stage, unless the registry has it already; false when it had. */
    public boolean push(StoredStage stored, Path scratch) throws IOException, InterruptedException, CommandFailedException {
        if (has(stored.key())) {
            return false;
        }
        Path packed = scratch.resolve(stored.key() + ".qcow2.zst");
        try {
            runner.check(Command.of("zstd", "-q", "-T0", "-3", "-c", stored.layer().toString()).withStdout(packed));
            Map<String, Object> layer = upload(packed, LAYER_TYPE, "layer.qcow2.zst");
            Map<String, Object> record = upload(stored.dir().resolve(StoredStage.RECORD), RECORD_TYPE, "record");
            Map<String, Object> done = upload(stored.doneRecord(), DONE_TYPE, "done");
            Path empty = Files.write(scratch.resolve("empty.json"), EMPTY);
            upload(empty, EMPTY_TYPE, null);
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MANIFEST_TYPE);
            manifest.put("artifactType", ARTIFACT_TYPE);
            manifest.put("config", Map.of("mediaType", EMPTY_TYPE, "digest", "sha256:" + Digests.of(EMPTY), "size", EMPTY.length));
            manifest.put("layers", List.of(layer, record, done));
            manifest.put("annotations", Map.of("io.strata.stage", stored.stage(), "io.strata.built-for", stored.builtFor(),
                    "org.opencontainers.image.created", stored.built().toString()));
            byte[] body = JSON.writeValueAsBytes(manifest);
            HttpResponse<String> put = send(request("/manifests/" + stored.key()).header("Content-Type", MANIFEST_TYPE)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
            expect(put, 201, "pushing the manifest of " + stored.stage());
            return true;
        } finally {
            Files.deleteIfExists(packed);
        }
    }

    /**
     * Fetches the stage of {@code key} into {@code scratch}: every blob checked against its digest, the
     * layer unpacked and checked against the record's digest. Empty when the registry has no such stage.
     */
    public Optional<Pulled> pull(String key, Path scratch, Consumer<String> progress)
            throws IOException, InterruptedException, CommandFailedException {
        HttpResponse<byte[]> response = send(request("/manifests/" + key).header("Accept", MANIFEST_TYPE).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "fetching the manifest of " + key.substring(0, 12));
        JsonNode manifest = JSON.readTree(response.body());
        Map<String, JsonNode> layers = new LinkedHashMap<>();
        manifest.path("layers").forEach(l -> layers.put(l.path("mediaType").asText(), l));
        for (String type : List.of(LAYER_TYPE, RECORD_TYPE, DONE_TYPE)) {
            if (!layers.containsKey(type)) {
                throw new IOException("the registry's artifact " + key.substring(0, 12) + " is not a Strata stage (no " + type + ")");
            }
        }
        Path record = download(layers.get(RECORD_TYPE), scratch.resolve("record"), progress);
        StoredStage stored = StoredStage.parse(Files.readString(record), scratch)
                .filter(s -> s.key().equals(key))
                .orElseThrow(() -> new IOException("the registry's record for " + key.substring(0, 12) + " does not read"));
        Path done = download(layers.get(DONE_TYPE), scratch.resolve("done"), progress);
        Path packed = download(layers.get(LAYER_TYPE), scratch.resolve("layer.qcow2.zst"), progress);
        Path layer = scratch.resolve(StoredStage.LAYER);
        runner.check(Command.of("zstd", "-d", "-q", "-c", packed.toString()).withStdout(layer));
        Files.delete(packed);
        if (!Digests.ofFile(layer).equals(stored.layerSha256())) {
            throw new IOException("the layer of " + stored.stage() + " from the registry does not match its record's digest");
        }
        return Optional.of(new Pulled(stored, layer, done));
    }

    private Map<String, Object> upload(Path file, String mediaType, String title) throws IOException, InterruptedException {
        String digest = "sha256:" + Digests.ofFile(file);
        long size = Files.size(file);
        if (!hasBlob(digest)) {
            String where = uploadChunks(file, size);
            URI target = location.uri("/").resolve(where);
            URI put = URI.create(target + (target.getRawQuery() == null ? "?" : "&") + "digest=" + digest.replace(":", "%3A"));
            HttpResponse<Void> done = send(HttpRequest.newBuilder(put).timeout(Duration.ofMinutes(10))
                    .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.noBody()),
                    HttpResponse.BodyHandlers.discarding());
            // A closing PUT that landed but whose answer was lost is answered "unknown upload" when sent
            // again: the blob itself says whether it arrived.
            if (done.statusCode() != 201 && !hasBlob(digest)) {
                expect(done, 201, "finishing the upload of " + file.getFileName());
            }
        }
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", size);
        if (title != null) {
            descriptor.put("annotations", Map.of("org.opencontainers.image.title", title));
        }
        return descriptor;
    }

    private boolean hasBlob(String digest) throws IOException, InterruptedException {
        return send(request("/blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** Opens an upload session; returns its location. */
    private String startUpload() throws IOException, InterruptedException {
        HttpResponse<Void> start = send(request("/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
        expect(start, 202, "starting an upload");
        return location(start, null);
    }

    /**
     * Sends {@code file} in PATCHes of {@link Tuning#chunkBytes}. A chunk the registry did not take (a
     * dropped connection, a 5xx) is not sent blindly again: the registry is asked how much arrived, and
     * the upload goes on from there. When the registry no longer knows the upload as it was (a chunk
     * arrived whose answer was lost: the distribution registry then drops the session), a new upload
     * starts from the first byte. Returns the upload's location for the closing PUT.
     */
    private String uploadChunks(Path file, long size) throws IOException, InterruptedException {
        String where = startUpload();
        long offset = 0;
        int failures = 0;
        try (FileChannel channel = FileChannel.open(file)) {
            while (offset < size) {
                int length = (int) Math.min(tuning.chunkBytes(), size - offset);
                ByteBuffer chunk = ByteBuffer.allocate(length);
                while (chunk.hasRemaining() && channel.read(chunk, offset + chunk.position()) >= 0) {
                    // reads the whole chunk
                }
                String failed;
                try {
                    HttpResponse<Void> patch = sendOnce(HttpRequest.newBuilder(location.uri("/").resolve(where))
                            .timeout(Duration.ofMinutes(10)).header("Content-Type", "application/octet-stream")
                            .header("Content-Range", offset + "-" + (offset + length - 1))
                            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk.array())), HttpResponse.BodyHandlers.discarding());
                    if (patch.statusCode() == 202) {
                        where = location(patch, where);
                        offset += length;
                        continue;
                    }
                    if (!retryable(patch.statusCode()) && patch.statusCode() != 416) {
                        expect(patch, 202, "uploading " + file.getFileName());
                    }
                    failed = "HTTP " + patch.statusCode();
                } catch (IOException dropped) {
                    failed = "the connection dropped (" + dropped.getClass().getSimpleName() + ")";
                }
                if (++failures >= tuning.attempts()) {
                    throw new IOException("uploading " + file.getFileName() + " failed " + failures + " times, last: " + failed);
                }
                pause(failures);
                HttpResponse<Void> status = send(HttpRequest.newBuilder(location.uri("/").resolve(where)).timeout(Duration.ofMinutes(2))
                        .GET(), HttpResponse.BodyHandlers.discarding());
                if (status.statusCode() == 204) {
                    where = location(status, where);
                    offset = arrived(status.headers().firstValue("Range").orElse("0-0"), offset);
                } else {
                    where = startUpload();
                    offset = 0;
                }
            }
        }
        return where;
    }

    /** The bytes an upload holds, from the registry's {@code Range: 0-LAST} (which says 0-0 for none). */
    static long arrived(String range, long before) throws IOException {
        Matcher m = UPLOAD_RANGE.matcher(range.trim());
        if (!m.matches()) {
            throw new IOException("the registry answered an upload's status with Range: " + range);
        }
        long last = Long.parseLong(m.group(1));
        return last == 0 && before <= 1 ? 0 : last + 1;
    }

    private static String location(HttpResponse<?> response, String otherwise) throws IOException {
        Optional<String> where = response.headers().firstValue("Location");
        if (where.isEmpty() && otherwise == null) {
            throw new IOException("the registry gave no upload location");
        }
        return where.orElse(otherwise);
    }

    private Path download(JsonNode descriptor, Path target, Consumer<String> progress) throws IOException, InterruptedException {
        String digest = descriptor.path("digest").asText();
        long size = descriptor.path("size").asLong();
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("the registry names a blob without a sha256 digest");
        }
        HttpResponse<InputStream> response = send(request("/blobs/" + digest).timeout(Duration.ofHours(1)).GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            expect(response, 200, "fetching a blob");
        }
        MessageDigest sha = Digests.sha256();
        long read = 0;
        int shown = 0;
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                read += n;
                if (size >= PROGRESS_FROM && read * 10 / size > shown) {
                    shown = (int) (read * 10 / size);
                    progress.accept("pulled " + (read >> 20) + " of " + (size >> 20) + " MiB");
                }
            }
        }
        if (read != size || !("sha256:" + HexFormat.of().formatHex(sha.digest())).equals(digest)) {
            throw new IOException("a blob from the registry does not match its digest (" + digest.substring(0, 19) + "...)");
        }
        return target;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(location.uri(path)).timeout(Duration.ofMinutes(2));
    }

    /**
     * Sends a request, again after a pause when the connection drops or the registry answers 5xx or 429,
     * up to {@link Tuning#attempts} times. Only requests that may be repeated come here (HEAD, GET, the
     * start and the end of an upload, a manifest); a blob's chunks go through {@link #uploadChunks}.
     */
    private <T> HttpResponse<T> send(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            HttpResponse<T> response;
            try {
                response = sendOnce(builder.copy(), body);
            } catch (IOException dropped) {
                if (attempt >= tuning.attempts()) {
                    throw dropped;
                }
                pause(attempt);
                continue;
            }
            if (!retryable(response.statusCode()) || attempt >= tuning.attempts()) {
                return response;
            }
            if (response.body() instanceof InputStream stream) {
                stream.close();
            }
            pause(attempt);
        }
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 429;
    }

    private void pause(int attempt) throws InterruptedException {
        Thread.sleep(tuning.pause().toMillis() << Math.min(attempt - 1, 4));
    }

    /** Sends a request once, authenticating when the registry asks (Basic, or a Bearer token from its realm). */
    private <T> HttpResponse<T> sendOnce(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        HttpRequest.Builder copy = builder.copy();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpResponse<T> response = http.send(builder.build(), body);
        if (response.statusCode() != 401 || authorization != null && authorization.startsWith("Basic")) {
            return response;
        }
        if (response.body() instanceof InputStream stream) {
            stream.close();
        }
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        authorization = authorize(challenge);
        return http.send(copy.header("Authorization", authorization).build(), body);
    }

    private String authorize(String challenge) throws IOException, InterruptedException {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return login().orElseThrow(() -> new IOException("the registry " + location + " asks for a login; log in with "
                    + "`docker login " + location.hostPort() + "` or `podman login " + location.hostPort() + "`")).basic();
        }
        if (challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            Map<String, String> params = new LinkedHashMap<>();
            Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(challenge);
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            StringBuilder uri = new StringBuilder(params.getOrDefault("realm", ""));
            String sep = uri.indexOf("?") < 0 ? "?" : "&";
            for (String name : List.of("service", "scope")) {
                if (params.containsKey(name)) {
                    uri.append(sep).append(name).append('=').append(java.net.URLEncoder.encode(params.get(name), StandardCharsets.UTF_8));
                    sep = "&";
                }
            }
            URI realm = URI.create(uri.toString());
            HttpRequest.Builder token = HttpRequest.newBuilder(realm).timeout(Duration.ofSeconds(30));
            Optional<RegistryCredentials.Login> user = login();
            if (user.isPresent()) {
                if (!mayCarryLogin(realm)) {
                    throw new IOException("the registry " + location + " sends its logins to " + params.get("realm")
                            + ", which is neither HTTPS nor on this machine: Strata sends no password there");
                }
                token.header("Authorization", user.get().basic());
            }
            HttpResponse<String> answer = http.send(token.GET().build(), HttpResponse.BodyHandlers.ofString());
            expect(answer, 200, "fetching a token");
            JsonNode json = JSON.readTree(answer.body());
            return "Bearer " + json.path("token").asText(json.path("access_token").asText());
        }
        throw new IOException("the registry " + location + " refused the request (401) and names no way to log in");
    }

    /** A token service may see the login over HTTPS, or over plain HTTP on this machine beside a local registry. */
    boolean mayCarryLogin(URI realm) {
        if ("https".equalsIgnoreCase(realm.getScheme())) {
            return true;
        }
        return "http".equalsIgnoreCase(realm.getScheme()) && location.plainHttp()
                && RegistryLocation.parse("oci://" + realm.getAuthority() + "/x").map(RegistryLocation::plainHttp).orElse(false);
    }

    private void expect(HttpResponse<?> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            String reason = response.statusCode() == 401 || response.statusCode() == 403
                    ? "the login was refused (HTTP " + response.statusCode() + ")"
                    : "HTTP " + response.statusCode();
            throw new IOException(what + " failed: " + reason); // the caller names the registry
        }
    }
}
