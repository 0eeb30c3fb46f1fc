package io.strata.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which variables hold secrets, and the secret text of a config that bash has not read to its end:
 * when a line such as {@code WPA_PASSWORD=correct horse battery} fails, bash names a word of the
 * secret ({@code horse: command not found}), so every word assigned to a secret is masked.
 */
public final class ConfigSecrets {

    /** A name part that says secret: DB_PASS, API_KEY, GITHUB_TOKEN, MY_SECRET_X (not KEYBOARD_KEYMAP). */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(.*_)?[A-Z0-9]*(PASS|PASSWD|PASSWORD|SECRET|TOKEN|KEY)(_.*)?");
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    /** The password of credentials in a URL: http://user:PASSWORD@host. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@\\s:]*:)([^@/\\s]+)@");

    private ConfigSecrets() {
    }

    /** A variable Strata declares secret, or one of the user's own whose name says it is secret. */
    public static boolean isSecret(String name) {
        return Variables.named(name).map(Variable::secret)
                .orElseGet(() -> SECRET_NAME.matcher(name).matches() && !name.startsWith("PUBKEY"));
    }

    /** {@code value} with the password of any credentials in a URL masked. */
    public static String withoutUrlPassword(String value) {
        return URL_PASSWORD.matcher(value).replaceAll("$1" + SecretMasker.MASK + "@");
    }

    /** The passwords of URL credentials in {@code value}. */
    static List<String> urlPasswords(String value) {
        List<String> found = new ArrayList<>();
        Matcher matcher = URL_PASSWORD.matcher(value);
        while (matcher.find()) {
            found.add(matcher.group(2));
        }
        return found;
    }

    /** Every secret the environment and the config files hold, whole and word by word. */
    static List<String> inFiles(Map<String, String> environment, Optional<Path> configFile, Path workingDir) {
        List<String> secrets = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (isSecret(name)) {
                addWithWords(secrets, value);
            }
        });
        List<Path> files = new ArrayList<>();
        files.add(workingDir.resolve("config"));
        configFile.ifPresent(files::add);
        for (Path file : files) {
            try {
                if (Files.isRegularFile(file)) {
                    for (String line : Files.readAllLines(file)) {
                        Matcher assignment = ASSIGNMENT.matcher(line);
                        if (assignment.matches() && isSecret(assignment.group(1))) {
                            addWithWords(secrets, assignment.group(2));
                        }
                        urlPasswords(line).forEach(secrets::add);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // unreadable files were refused before bash ran
            }
        }
        return secrets;
    }

    private static void addWithWords(List<String> secrets, String value) {
        String bare = value.strip().replaceAll("^[\"']|[\"']$", "");
        secrets.add(bare);
        for (String word : bare.split("[\\s\"']+")) {
            if (word.length() >= 3) {
                secrets.add(word);
            }
        }
    }
}
