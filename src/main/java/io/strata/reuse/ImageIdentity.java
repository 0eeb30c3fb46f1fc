package io.strata.reuse;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.strata.config.Variable;
import io.strata.config.Variables;

/**
 * What an exported image is made from, as one digest that two builds of the same config share wherever
 * and whenever they run: the export's key and its stages' keys down the tree, with each secret only said
 * to be set (a key's secret digests are salted per work dir or store, and the identity ends up in the
 * image) and without the variables that only place, pack or check the files, or the package lock that
 * repeats a build's versions. The disk's identifiers are
 * derived from it, so a rebuild gives the same bytes and another config other identifiers (configs that
 * differ only in a password share them; their files still differ).
 */
public final class ImageIdentity {

    /** Variables that change where the image goes or how it is packed, never its bytes. */
    static final Set<String> PLACE_ONLY = Set.of("DEPLOY_DIR", "DEPLOY_ZIP", "DEPLOY_COMPRESSION", "COMPRESSION_LEVEL",
            "BOOT_TEST");

    /** crypt(3)'s base-64 alphabet, and yescrypt's salt length in it (what mkpasswd makes). */
    private static final String CRYPT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int YESCRYPT_SALT_CHARS = 22;

    private ImageIdentity() {
    }

    /**
     * The identity of the export with {@code exportInputs} of the stage {@code decision} is about;
     * {@code decided} holds the decisions of the stages below it, by name.
     */
    public static String of(StageDecision decision, Map<String, StageDecision> decided, KeyInputs exportInputs) {
        return publicForm(exportInputs, "stage", stage(decision, decided)).key();
    }

    /**
     * What a stage's password salt comes from: the stage's identity down the tree, without the files of its
     * substages. A substage's files change only the substages from it on (see Checkpoints), so a rebuild
     * resumed from a checkpoint and a clean build hash the first user's password alike.
     */
    public static String ofStageSettings(StageDecision decision, Map<String, StageDecision> decided) {
        if (decision.inputs().isEmpty()) {
            return decision.chainKey();
        }
        java.util.Set<String> subStages = new java.util.HashSet<>();
        decision.stage().subStages().forEach(sub -> subStages.add(Checkpoints.dirName(sub)));
        String previous = decision.base().map(base -> stage(decided.get(base), decided)).orElse("none");
        return publicForm(Checkpoints.withoutFilesOf(decision.inputs().get(), subStages), "previous", previous).key();
    }

    /**
     * A crypt(3) setting for yescrypt whose salt is derived from {@code stageIdentity}: the stage's
     * passwords are then hashed the same in every build of one config (a random salt would make each
     * /etc/shadow differ), and differently in another config.
     */
    public static String passwordSalt(String stageIdentity) {
        byte[] digest = Digests.sha256().digest(("strata password salt\0" + stageIdentity).getBytes(StandardCharsets.UTF_8));
        StringBuilder salt = new StringBuilder("$y$j9T$");
        for (int i = 0; i < YESCRYPT_SALT_CHARS; i++) {
            // 16 bytes in 22 characters of 6 bits: the last one holds 2 bits, so one of the first 4 (else crypt fails)
            int choices = i == YESCRYPT_SALT_CHARS - 1 ? 4 : CRYPT_ALPHABET.length();
            salt.append(CRYPT_ALPHABET.charAt((digest[i] & 0xff) % choices));
        }
        return salt.toString();
    }

    private static String stage(StageDecision decision, Map<String, StageDecision> decided) {
        if (decision.inputs().isEmpty()) {
            return decision.chainKey(); // a skipped stage's recorded image: all that is known of it
        }
        String previous = decision.base().map(base -> stage(decided.get(base), decided)).orElse("none");
        return publicForm(decision.inputs().get(), "previous", previous).key();
    }

    static KeyInputs publicForm(KeyInputs inputs, String link, String linked) {
        TreeMap<String, String> digests = new TreeMap<>(inputs.digests());
        digests.computeIfPresent(link, (name, digest) -> linked);
        digests.keySet().removeIf(name -> name.startsWith("var:") && PLACE_ONLY.contains(variable(name)));
        // a lock gives the versions a build without it took: the image is the same, so are its ids
        digests.remove(InputCollector.PACKAGE_LOCK_INPUT);
        digests.replaceAll((name, digest) -> secret(name) && !"unset".equals(digest) ? "secret" : digest);
        return new KeyInputs(digests);
    }

    private static boolean secret(String input) {
        return input.startsWith("var:") && Variables.named(variable(input)).map(Variable::secret).orElse(false);
    }

    private static String variable(String input) {
        return input.substring("var:".length());
    }
}
