package io.strata.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A proxy on 127.0.0.1 in front of a registry that fails as networks and registries do: the first
 * HEAD of every path answers 503; the first blob chunk (PATCH) is dropped before the registry sees
 * it; the third reaches the registry but its answer is lost (the connection closes); the first
 * closing PUT of an upload reaches the registry and is answered 502. {@link #faults()} says which
 * of these happened, so a test can prove its client met every one.
 */
public final class FlakyFront implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding", "host",
            "upgrade", "http2-settings", "keep-alive", "expect", "date");

    private final HttpServer server;
    private final String backend;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Set<String> headsSeen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger patches = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();
    private final List<String> faults = new CopyOnWriteArrayList<>();

    private FlakyFront(HttpServer server, String backend) {
        this.server = server;
        this.backend = backend;
    }

    /** A front for the registry at {@code backendHostPort}. */
    public static FlakyFront start(String backendHostPort) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FlakyFront front = new FlakyFront(server, backendHostPort);
        server.createContext("/", front::handle);
        server.start();
        return front;
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The faults served, in order: "503 HEAD", "dropped PATCH", "lost answer PATCH", "502 PUT". */
    public List<String> faults() {
        return List.copyOf(faults);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (method.equals("HEAD") && headsSeen.add(path)) {
                faults.add("503 HEAD");
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            int patch = method.equals("PATCH") ? patches.incrementAndGet() : 0;
            if (patch == 1) {
                faults.add("dropped PATCH");
                return; // closed with no answer: the registry never saw the chunk
            }
            HttpResponse<byte[]> answer = forward(exchange, method, body);
            if (patch == 3) {
                faults.add("lost answer PATCH");
                return; // the registry took the chunk; its answer never arrives
            }
            if (method.equals("PUT") && path.contains("/blobs/uploads/") && puts.incrementAndGet() == 1) {
                faults.add("502 PUT");
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name,
                            v.replace("http://" + backend, "http://" + hostPort())));
                }
            });
            boolean empty = answer.body().length == 0 || method.equals("HEAD");
            exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : answer.body().length);
            if (!empty) {
                exchange.getResponseBody().write(answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, String method, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + backend + exchange.getRequestURI()))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
