package io.strata.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token service for a registry's Bearer authentication (the distribution registry's "token" auth):
 * on 127.0.0.1, it gives a JWT signed RS256 with a key and certificate openssl makes for the test
 * (the certificate in the token's x5c header, and the registry's root bundle) to a request that carries
 * {@code user}'s Basic login, for the scope the registry asked for; any other request gets 401.
 */
public final class TestTokenService implements AutoCloseable {

    public static final String SERVICE = "strata-it-registry";
    public static final String ISSUER = "strata-it-tokens";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path certificate;
    private final PrivateKey key;
    private final String certificateDer;
    private final String expected;
    private final AtomicInteger granted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private TestTokenService(HttpServer server, Path certificate, PrivateKey key, String certificateDer, String expected) {
        this.server = server;
        this.certificate = certificate;
        this.key = key;
        this.certificateDer = certificateDer;
        this.expected = expected;
    }

    public static TestTokenService start(Path dir, String user, String password) throws Exception {
        Files.createDirectories(dir);
        Path pem = dir.resolve("token.crt");
        Host.output(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key", "-out",
                pem.toString(), "-days", "2", "-subj", "/CN=strata-it-tokens");
        Host.output(dir, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", "token.key", "-outform", "DER", "-out", "token.key.der");
        Host.output(dir, "openssl", "x509", "-in", pem.toString(), "-outform", "DER", "-out", "token.crt.der");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("token.key.der"))));
        String der = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("token.crt.der")));
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TestTokenService service = new TestTokenService(server, pem, key, der, expected);
        server.createContext("/token", service::answer);
        server.start();
        return service;
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public Path certificate() {
        return certificate;
    }

    /** Tokens given to a request with the login. */
    public int granted() {
        return granted.get();
    }

    /** Requests refused for want of the login. */
    public int refused() {
        return refused.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = JSON.writeValueAsBytes(Map.of("token", token(scopes(exchange.getRequestURI()))));
            granted.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static List<Map<String, Object>> scopes(URI uri) {
        List<Map<String, Object>> access = new ArrayList<>();
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        for (String pair : query.split("&")) {
            if (pair.startsWith("scope=")) {
                String[] scope = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).split(":");
                if (scope.length == 3) {
                    access.add(Map.of("type", scope[0], "name", scope[1], "actions", Arrays.asList(scope[2].split(","))));
                }
            }
        }
        return access;
    }

    private String token(List<Map<String, Object>> access) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("x5c", List.of(certificateDer));
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", TestRegistry.USER);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 600);
        claims.put("nbf", now - 60);
        claims.put("iat", now - 60);
        claims.put("jti", Long.toString(System.nanoTime()));
        claims.put("access", access);
        String signed = url.encodeToString(JSON.writeValueAsBytes(header)) + "." + url.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + url.encodeToString(rsa.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
