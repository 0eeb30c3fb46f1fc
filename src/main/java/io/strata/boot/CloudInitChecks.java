package io.strata.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import io.strata.config.BuildConfig;

/**
 * ENABLE_CLOUD_INIT=1: cloud-init finished its first boot from the NoCloud seed on the boot
 * partition, and did what that seed's user-data asks, as far as it can be read back: the host name
 * it sets, and the files it writes (plain text content).
 */
final class CloudInitChecks {

    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final String SEED = "/var/lib/cloud/seed/nocloud";

    private final GuestShell shell;
    private Optional<String> hostname = Optional.empty();

    CloudInitChecks(GuestShell shell) {
        this.shell = shell;
    }

    static boolean wanted(BuildConfig config) {
        return config.cloudInit();
    }

    /** The host name the seed's user-data sets, once {@link #run} has read it. */
    Optional<String> seedHostname() {
        return hostname;
    }

    List<CheckResult> run() throws IOException, InterruptedException {
        List<CheckResult> results = new ArrayList<>();
        Optional<GuestShell.Reply> status = shell.run("timeout 300 cloud-init status --wait --long", Duration.ofSeconds(330));
        String said = status.map(GuestShell.Reply::output).orElse("").replaceAll("\\s+", " ").strip();
        if (status.isEmpty()) {
            results.add(CheckResult.fail("cloud-init", "cloud-init status did not answer within 330 s"));
        } else if (said.contains("status: done") && said.contains("DataSourceNoCloud")) {
            results.add(CheckResult.pass("cloud-init", "done, from the NoCloud seed on the boot partition"));
        } else {
            String log = shell.run("sudo -n grep -E 'WARNING|ERROR|Traceback' /var/log/cloud-init.log | tail -n 3 | tr '\\n' '|'",
                    SHORT).map(GuestShell.Reply::output).orElse("").strip();
            results.add(CheckResult.fail("cloud-init", "cloud-init status: " + said + (log.isEmpty() ? "" : "; its log: " + log)));
        }
        Optional<Map<String, Object>> userData = userData();
        if (userData.isEmpty()) {
            results.add(CheckResult.fail("cloud-init seed", "cannot read " + SEED + "/user-data as YAML"));
            return results;
        }
        if (userData.get().get("hostname") instanceof String name) {
            hostname = Optional.of(name);
        }
        results.add(writtenFiles(userData.get()));
        results.add(seedIsPrivate());
        return results;
    }

    /** The first user (the shell's, without sudo) cannot read the seed, which can hold hashes and keys; root can. */
    private CheckResult seedIsPrivate() throws IOException, InterruptedException {
        String name = "cloud-init seed private";
        Optional<GuestShell.Reply> asUser = shell.run("cat -- " + SEED + "/user-data > /dev/null", SHORT);
        Optional<GuestShell.Reply> mode = shell.run("sudo -n stat -L -c '%a %U' -- " + SEED + "/user-data", SHORT);
        if (asUser.isEmpty() || mode.isEmpty()) {
            return CheckResult.fail(name, "the guest did not answer");
        }
        String said = GuestChecks.lastLine(mode.get().output()).strip();
        if (asUser.get().succeeded()) {
            return CheckResult.fail(name, "the first user can read " + SEED + "/user-data (" + said + ")");
        }
        if (!said.equals("600 root")) {
            return CheckResult.fail(name, SEED + "/user-data is " + said + ", not 600 root");
        }
        return CheckResult.pass(name, "user-data is 600 root, unreadable to the first user");
    }

    @SuppressWarnings("unchecked")
    private CheckResult writtenFiles(Map<String, Object> userData) throws IOException, InterruptedException {
        if (!(userData.get("write_files") instanceof List<?> entries) || entries.isEmpty()) {
            return CheckResult.skip("cloud-init files", "user-data writes no files");
        }
        List<String> checked = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> file) || !(file.get("path") instanceof String path)
                    || !(file.get("content") instanceof String content) || file.containsKey("encoding")) {
                continue;
            }
            Optional<String> got = read(path);
            if (got.isEmpty()) {
                return CheckResult.fail("cloud-init files", path + " is missing, although user-data writes it");
            }
            if (!got.get().equals(content)) {
                return CheckResult.fail("cloud-init files", path + " does not hold what user-data writes");
            }
            checked.add(path);
        }
        return checked.isEmpty() ? CheckResult.skip("cloud-init files", "no plain-text file in write_files")
                : CheckResult.pass("cloud-init files", String.join(", ", checked) + " as user-data writes");
    }

    private Optional<Map<String, Object>> userData() throws IOException, InterruptedException {
        return read(SEED + "/user-data").flatMap(text -> {
            try {
                Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
                @SuppressWarnings("unchecked")
                Optional<Map<String, Object>> map = doc instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m)
                        : doc == null ? Optional.of(Map.of()) : Optional.empty();
                return map;
            } catch (YAMLException e) {
                return Optional.empty();
            }
        });
    }

    /** A guest file's bytes, through base64 so the serial console cannot alter them. */
    private Optional<String> read(String path) throws IOException, InterruptedException {
        Optional<GuestShell.Reply> reply = shell.run("sudo -n base64 -w0 -- " + quote(path), SHORT);
        if (reply.isEmpty() || !reply.get().succeeded()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getDecoder().decode(GuestChecks.lastLine(reply.get().output())),
                    StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A value as one single-quoted word for the guest's shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
