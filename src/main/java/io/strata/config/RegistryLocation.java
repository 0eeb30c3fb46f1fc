package io.strata.config;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A registry and repository, from STAGE_STORE_URL's {@code oci://host[:port]/repo}. */
public record RegistryLocation(String hostPort, String repository, boolean plainHttp) {

    private static final Pattern URL = Pattern.compile(
            "oci://([A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+\\])(:\\d{1,5})?/([a-z0-9]+(?:[._/-][a-z0-9]+)*)");
    /** An address of 127.0.0.0/8 written as one (127.example.org is a name, and gets HTTPS). */
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    /**
     * The location {@code url} names, or empty when it is not one. A registry on this machine (localhost,
     * an address of 127.0.0.0/8, [::1]) is spoken to over plain HTTP, as Docker does; every other one over HTTPS.
     */
    public static Optional<RegistryLocation> parse(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1);
        boolean local = host.equals("localhost") || LOOPBACK_V4.matcher(host).matches() || host.equals("[::1]");
        return Optional.of(new RegistryLocation(host + (m.group(2) == null ? "" : m.group(2)), m.group(3), local));
    }

    /** The URI of {@code path} below the repository's /v2/ API. */
    public URI uri(String path) {
        return URI.create((plainHttp ? "http://" : "https://") + hostPort + "/v2/" + repository + path);
    }

    @Override
    public String toString() {
        return "oci://" + hostPort + "/" + repository;
    }
}
