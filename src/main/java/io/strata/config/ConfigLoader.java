package io.strata.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.CommandResult;
import io.strata.exec.ProcessRunner;

/**
 * Reads a build's configuration as pi-gen does: bash itself sources {@code ./config} (when present)
 * and then the {@code -c} file, so every shell idiom behaves as in pi-gen; environment variables
 * override what the files set; documented defaults fill the rest.
 */
public final class ConfigLoader {

    /**
     * Writes the environment NUL-separated to $2, sources the files with every assignment exported and
     * stopping at the first failing command (pi-gen's build.sh runs under bash -e), then writes it to $3.
     */
    private static final String SOURCE_SCRIPT = """
            env -0 > "$2"
            set -ae
            if [ -f ./config ]; then . ./config; fi
            if [ -n "$1" ]; then . "$1"; fi
            env -0 > "$3"
            """;

    private static final long MAX_CONFIG_BYTES = 1024 * 1024;
    /** A config sets variables; one that takes longer waits on something (read, sleep, the network). */
    static final java.time.Duration TIME_LIMIT = java.time.Duration.ofSeconds(30);

    private final ProcessRunner runner;

    public ConfigLoader(ProcessRunner runner) {
        this.runner = runner;
    }

    public RawConfig load(Optional<Path> configFile, Path workingDir, Map<String, String> environment,
            Path baseDir, LocalDate today) throws BadInputException, InterruptedException {
        if (configFile.isPresent()) {
            checkReadable(configFile.get());
        }
        Path dotConfig = workingDir.resolve("config");
        if (Files.exists(dotConfig)) {
            checkReadable(dotConfig);
        }
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> sourced = source(configFile, workingDir, environment, before);
        Map<String, String> values = new LinkedHashMap<>();
        for (Variable variable : Variables.ALL) {
            String value = environment.containsKey(variable.name())
                    ? environment.get(variable.name())
                    : sourced.getOrDefault(variable.name(), variable.defaultValue());
            if (value != null) {
                values.put(variable.name(), value);
            }
        }
        fillDerivedDefaults(values, baseDir, today);
        Set<String> custom = new HashSet<>();
        sourced.forEach((name, value) -> {
            boolean setByFiles = !value.equals(before.get(name));
            if (setByFiles && !Variables.isKnown(name) && !name.startsWith("BASH_FUNC_") && !"_".equals(name)) {
                custom.add(name);
                values.put(name, environment.getOrDefault(name, value));
            }
        });
        return new RawConfig(values, custom);
    }

    private static void fillDerivedDefaults(Map<String, String> values, Path baseDir, LocalDate today) {
        values.putIfAbsent("BASE_DIR", baseDir.toString());
        values.putIfAbsent("IMG_DATE", today.toString());
        values.putIfAbsent("SOURCE_DATE_EPOCH", Long.toString(midnightOf(values.get("IMG_DATE"))));
        String base = values.get("BASE_DIR");
        String imgName = values.getOrDefault("IMG_NAME", "");
        values.putIfAbsent("WORK_DIR", base + "/work/" + imgName);
        values.putIfAbsent("DEPLOY_DIR", base + "/deploy");
    }

    /** Midnight UTC of {@code date} (YYYY-MM-DD) in seconds since 1970, or 0 when it is not such a date. */
    public static long midnightOf(String date) {
        try {
            return LocalDate.parse(date).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    private static void checkReadable(Path file) throws BadInputException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("config file " + file + " does not exist or is not a file: pass an existing file to -c");
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException("config file " + file + " is not readable: check its permissions");
        }
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new BadInputException("config file " + file + " is larger than 1 MiB: a config is a short bash "
                        + "fragment that sets variables (IMG_NAME=...)");
            }
            for (byte b : Files.readAllBytes(file)) {
                if (b == 0) {
                    throw new BadInputException("config file " + file + " holds binary data (a NUL byte): a config is "
                            + "a bash fragment of lines such as IMG_NAME=myimage");
                }
            }
        } catch (IOException e) {
            throw new BadInputException("config file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Sources the files; fills {@code before} with the environment bash started with, returns the one it ended with. */
    private Map<String, String> source(Optional<Path> configFile, Path workingDir, Map<String, String> environment,
            Map<String, String> before)
            throws BadInputException, InterruptedException {
        Path dump = null;
        Path baseline = null;
        try {
            baseline = Files.createTempFile("strata-config", ".before");
            dump = Files.createTempFile("strata-config", ".env");
            String file = configFile.map(p -> p.toAbsolutePath().toString()).orElse("");
            Command command = Command.of(List.of("bash", "-c", SOURCE_SCRIPT, "strata-config", file, baseline.toString(),
                    dump.toString()))
                    .inDirectory(workingDir).withTimeout(TIME_LIMIT);
            String shown = configFile.map(Path::toString).orElse("./config");
            CommandResult result;
            try {
                result = runner.run(command);
            } catch (CommandFailedException e) {
                if (e.getMessage().contains("could not start")) {
                    throw new IllegalStateException("bash is needed to read the config: " + e.getMessage(), e);
                }
                throw new BadInputException("config file " + shown + " did not finish within " + TIME_LIMIT.toSeconds()
                        + " s and was stopped: a config only sets variables; remove what waits (read, sleep, a download)");
            }
            SecretMasker masker = new SecretMasker(ConfigSecrets.inFiles(environment, configFile, workingDir));
            if (!result.succeeded()) {
                throw new BadInputException("config file " + shown + " failed when bash sourced it (exit code "
                        + result.exitCode() + "): " + masker.mask(String.join(" | ", result.tail()))
                        + " -- a config may only set variables; fix the line bash names (quote a value with spaces: "
                        + "NAME='two words')");
            }
            if (!result.stdout().isBlank()) {
                throw new BadInputException("config file " + shown + " writes to standard output ("
                        + masker.mask(firstLine(result.stdout())) + "): a config only sets variables; remove the output "
                        + "or send it to standard error with >&2");
            }
            if (Files.size(dump) == 0) {
                throw new BadInputException("config file " + shown + " ends bash with `exit` before it is read to its "
                        + "end, so the settings after it would be lost: remove the exit (a config only sets variables)");
            }
            before.putAll(parseEnv(Files.readAllBytes(baseline)));
            return parseEnv(Files.readAllBytes(dump));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the sourced configuration: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dump);
            deleteQuietly(baseline);
        }
    }

    static Map<String, String> parseEnv(byte[] nulSeparated) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : new String(nulSeparated, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; nothing else depends on it
            }
        }
    }
}
