package io.strata.reuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;
import io.strata.config.Variable;
import io.strata.config.Variables;
import io.strata.plan.Stage;

/**
 * Gathers a stage's key inputs: every file below the stage directory (content and mode), the config
 * values its scripts can see, the previous stage's key, Strata's fingerprint (and for armhf the stage file
 * system's kind, see Arch.wantsLinearDirectories). A stage that holds a
 * {@code VARIABLES} file (variable names, one per line, # comments) is keyed on those variables only.
 */
public final class InputCollector {

    /** The file in a stage directory that declares which variables the stage uses. */
    public static final String DECLARED_VARIABLES = "VARIABLES";

    /** Variables the engine itself acts on while running a stage: always part of a stage's key. */
    static final Set<String> ENGINE_VARIABLES = Set.of("TARGET_ARCH", "TARGET_RASPI", "RELEASE", "INSTALL_RECOMMENDS");

    /** Variables that steer where and whether the build runs, never what an image holds. */
    static final Set<String> STEERING = Set.of("BASE_DIR", "WORK_DIR", "STAGE_LIST", "SKIP_STAGE_LIST",
            "SKIP_IMAGES_LIST", "CONTINUE", "CLEAN", "APT_PROXY", "PACKAGE_CACHE_DIR", "BASE_QCOW2_SIZE",
            "STAGE_STORE_DIR", "STAGE_STORE_URL", "PACKAGE_LOCK", "OFFLINE");

    /**
     * The input of every stage built from a package lock: the lock's content (its path and OFFLINE steer only),
     * so a stage built from whatever versions the archive had is never taken for one built from the lock.
     */
    static final String PACKAGE_LOCK_INPUT = "package-lock";

    /** Variables that only name, place or pack the exported file (or check it): part of an export's key only. */
    static final Set<String> OUTPUT = Set.of("IMG_NAME", "IMG_DATE", "DEPLOY_DIR", "DEPLOY_ZIP", "DEPLOY_COMPRESSION",
            "COMPRESSION_LEVEL", "BOOT_TEST", "SOURCE_DATE_EPOCH");

    /** Files in a stage directory that ask for an export; they change the export, not the stage image. */
    static final Set<String> EXPORT_MARKERS = Set.of("EXPORT_IMAGE", "EXPORT_NOOBS", "EXPORT_LIVE", "SKIP_IMAGES");

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final BuildConfig config;
    private final byte[] salt;
    private final java.util.Map<String, String> secretDigests = new java.util.HashMap<>();
    private final String stageStrata;
    private final String exportStrata;

    /**
     * {@code stageStrata} and {@code exportStrata} identify the Strata that builds: its version and the
     * scripts it runs in stages, and in exports (see RunTools.fingerprint).
     */
    public InputCollector(BuildConfig config, byte[] salt, String stageStrata, String exportStrata) {
        this.config = config;
        this.salt = salt.clone();
        this.stageStrata = stageStrata;
        this.exportStrata = exportStrata;
    }

    public KeyInputs forStage(Stage stage, String previousKey) throws BadInputException {
        TreeMap<String, String> inputs = new TreeMap<>();
        inputs.put("previous", previousKey);
        inputs.put("strata", stageStrata);
        stageFiles(stage.dir(), inputs);
        if (config.targetArch().wantsLinearDirectories()) {
            inputs.put("filesystem", "ext4 without dir_index"); // the file system the stages are made in
        }
        Collection<String> names = declaredVariables(stage).orElseGet(() -> defaultVariables());
        Set<String> keyed = new TreeSet<>(names);
        keyed.addAll(ENGINE_VARIABLES);
        keyed.forEach(name -> inputs.put("var:" + name, variableDigest(name)));
        Optional<Path> lock = config.packageLock();
        if (lock.isPresent()) {
            try {
                inputs.put(PACKAGE_LOCK_INPUT, Digests.ofFile(lock.get()));
            } catch (IOException e) {
                throw new BadInputException(List.of("PACKAGE_LOCK=" + lock.get() + " cannot be read: " + e.getMessage()));
            }
        }
        return new KeyInputs(inputs);
    }

    /**
     * An export's inputs: its stage's key, the file that asks for it ({@code marker}, such as
     * EXPORT_IMAGE) and every variable but the steering ones.
     */
    public KeyInputs forExport(String stageKey, Path marker) throws BadInputException {
        TreeMap<String, String> inputs = new TreeMap<>();
        inputs.put("stage", stageKey);
        inputs.put("strata", exportStrata);
        try {
            inputs.put("file:" + marker.getFileName(), Digests.ofFile(marker));
        } catch (IOException e) {
            throw new BadInputException(List.of("cannot read " + marker + ": " + e.getMessage()));
        }
        config.variables().keySet().stream().filter(name -> !STEERING.contains(name))
                .forEach(name -> inputs.put("var:" + name, variableDigest(name)));
        return new KeyInputs(inputs);
    }

    private List<String> defaultVariables() {
        return config.variables().keySet().stream()
                .filter(name -> !STEERING.contains(name) && !OUTPUT.contains(name)).toList();
    }

    private Optional<List<String>> declaredVariables(Stage stage) throws BadInputException {
        Path file = stage.dir().resolve(DECLARED_VARIABLES);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String text = line.replaceFirst("#.*", "").trim();
                for (String name : text.isEmpty() ? new String[0] : text.split("\\s+")) {
                    if (NAME.matcher(name).matches()) {
                        names.add(name);
                    } else {
                        problems.add(file + " names '" + name + "', which is not a variable name: list the variables "
                                + "the stage uses, one name per line (for example FIRST_USER_NAME)");
                    }
                }
            }
        } catch (IOException e) {
            problems.add("cannot read " + file + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return Optional.of(names);
    }

    private String variableDigest(String name) {
        String value = config.variables().get(name);
        if (value == null) {
            return "unset";
        }
        boolean secret = Variables.named(name).map(Variable::secret).orElse(false);
        // PBKDF2 is slow on purpose (a tenth of a second and more): once per secret, not once per key
        return secret ? secretDigests.computeIfAbsent(name, n -> Digests.ofSecret(value, salt)) : Digests.of(value);
    }

    private static void stageFiles(Path dir, TreeMap<String, String> inputs)
            throws BadInputException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted().toList()) {
                Path relative = dir.relativize(path);
                boolean marker = relative.getNameCount() == 1 && EXPORT_MARKERS.contains(relative.toString());
                if (relative.toString().isEmpty() || marker) {
                    continue;
                }
                if (Files.isSymbolicLink(path)) {
                    inputs.put("file:" + relative, "link:" + Files.readSymbolicLink(path));
                } else if (Files.isRegularFile(path)) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                    inputs.put("file:" + relative, mode + ":" + Digests.ofFile(path));
                }
            }
        } catch (IOException e) {
            throw new BadInputException(List.of("cannot read the stage directory " + dir + " to key it: " + e.getMessage()));
        }
    }
}
