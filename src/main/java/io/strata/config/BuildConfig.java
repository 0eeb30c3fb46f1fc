package io.strata.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated build configuration: the typed values the builder itself acts on, and every variable
 * (Strata's and the user's own) as stage scripts see it.
 */
public record BuildConfig(
        String imgName,
        String imgDate,
        Arch targetArch,
        boolean targetRaspi,
        Release release,
        long baseQcow2Size,
        String aptProxy,
        Path baseDir,
        Path workDir,
        Path deployDir,
        List<String> stageList,
        Set<String> skipStages,
        Set<String> skipImages,
        boolean continueBuild,
        boolean installRecommends,
        Compression compression,
        int compressionLevel,
        Map<String, String> variables,
        Set<String> customVariables) {

    public BuildConfig {
        stageList = List.copyOf(stageList);
        skipStages = Set.copyOf(skipStages);
        skipImages = Set.copyOf(skipImages);
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        customVariables = Set.copyOf(customVariables);
    }

    public String variable(String name) {
        String value = variables.get(name);
        return value == null ? "" : value;
    }

    /** PACKAGE_CACHE_DIR, unless it is empty (no shared package cache). */
    public java.util.Optional<Path> packageCacheDir() {
        String value = variable("PACKAGE_CACHE_DIR");
        return value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(value));
    }

    /** Where the boot partition is mounted in the image: /boot/firmware on a Pi, the EFI system partition on a PC. */
    public String bootDir() {
        return targetRaspi ? "/boot/firmware" : "/boot/efi";
    }

    /**
     * The values that must never reach a log, an .info file or plaintext in an image; LIVE_USER's
     * password too, unless it is Debian live's public default.
     */
    public List<String> secretValues() {
        List<String> secrets = new ArrayList<>();
        variables.forEach((name, value) -> {
            if (ConfigSecrets.isSecret(name) && value != null && !value.isEmpty() && !"LIVE_USER".equals(name)) {
                secrets.add(value);
            }
            if (value != null) {
                secrets.addAll(ConfigSecrets.urlPasswords(value));
            }
        });
        String live = variable("LIVE_USER");
        if (!live.equals(Variables.DEFAULT_LIVE_USER) && live.indexOf('/') > 0) {
            secrets.add(live.substring(live.indexOf('/') + 1));
        }
        return secrets;
    }
}
