package io.strata.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP forward proxy on 127.0.0.1, for a build with APT_PROXY: each client connection gets one
 * connection to the host its first request names; request heads are rewritten from absolute to origin
 * form as they pass (keep-alive and apt's pipelining work), responses are copied back as they come.
 * It counts the requests it forwarded, so a test can prove the build used it.
 */
public final class TestProxy implements AutoCloseable {

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger requests = new AtomicInteger();
    /** Bytes per second each response is copied at; 0: as fast as they come. */
    private final long rate;

    private TestProxy(ServerSocket server, long rate) {
        this.server = server;
        this.rate = rate;
        pool.execute(this::acceptLoop);
    }

    public static TestProxy start() throws IOException {
        return new TestProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), 0);
    }

    /** A proxy that passes each response on at {@code bytesPerSecond}: a slow network, so a download can be caught halfway. */
    public static TestProxy throttled(long bytesPerSecond) throws IOException {
        return new TestProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), bytesPerSecond);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                pool.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream fromClient = client.getInputStream(); OutputStream toClient = client.getOutputStream()) {
            String head = readHead(fromClient);
            if (head == null) {
                return;
            }
            URI target = URI.create(head.split(" ", 3)[1]);
            if (!"http".equals(target.getScheme())) {
                toClient.write("HTTP/1.1 501 Not Implemented\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            try (Socket upstream = new Socket(target.getHost(), target.getPort() < 0 ? 80 : target.getPort())) {
                OutputStream toUpstream = upstream.getOutputStream();
                java.util.concurrent.Future<?> responses = pool.submit(() -> copy(upstream, toClient));
                for (String next = head; next != null; next = readHead(fromClient)) {
                    toUpstream.write(originForm(next).getBytes(StandardCharsets.ISO_8859_1));
                    toUpstream.flush();
                    requests.incrementAndGet();
                }
                upstream.shutdownOutput();
                responses.get(rate == 0 ? 60 : 600, TimeUnit.SECONDS);
            }
        } catch (IOException | IllegalArgumentException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            // the client or the server went away; apt retries
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void copy(Socket upstream, OutputStream toClient) {
        try {
            if (rate == 0) {
                upstream.getInputStream().transferTo(toClient);
            } else {
                byte[] chunk = new byte[16 * 1024];
                InputStream in = upstream.getInputStream();
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    toClient.write(chunk, 0, n);
                    toClient.flush();
                    Thread.sleep(Math.max(1, n * 1000L / rate));
                }
            }
            toClient.flush();
        } catch (IOException e) {
            // either side closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "GET http://host/path HTTP/1.1" becomes "GET /path HTTP/1.1"; proxy headers are dropped. */
    static String originForm(String head) {
        String[] lines = head.split("\r\n");
        String[] request = lines[0].split(" ", 3);
        URI uri = URI.create(request[1]);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder out = new StringBuilder(request[0]).append(' ').append(path).append(' ').append(request[2]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].toLowerCase(Locale.ROOT).startsWith("proxy-")) {
                out.append(lines[i]).append("\r\n");
            }
        }
        return out.append("\r\n").toString();
    }

    /** One request head (apt's requests have no body), or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head too long");
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
