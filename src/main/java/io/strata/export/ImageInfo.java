package io.strata.export;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.strata.config.BuildConfig;
import io.strata.config.ConfigSecrets;
import io.strata.config.SecretMasker;

/**
 * The .info file beside an exported image: what was built, from which config (secret values
 * replaced by asterisks) and every installed package with its version.
 */
public final class ImageInfo {

    private ImageInfo() {
    }

    /** {@code packages}: "name version" lines as dpkg-query prints them; {@code kernels}: versions in /lib/modules. */
    public static String render(BuildConfig config, String stage, DeployNames names, String imageSha256,
            long imageBytes, List<String> kernels, List<String> packages, String strataVersion, Instant built) {
        StringBuilder out = new StringBuilder();
        out.append("Image: ").append(names.image()).append('\n');
        out.append("Deploy file: ").append(names.deployFile()).append('\n');
        out.append("Image size: ").append(imageBytes).append(" bytes\n");
        out.append("Image sha256: ").append(imageSha256).append('\n');
        if (config.useQemu()) {
            out.append("Run in QEMU: ").append(io.strata.boot.MachineSpec.runCommand(config, names.image())).append('\n');
        }
        describe(out, config, stage, kernels, packages, strataVersion, built);
        return out.toString();
    }

    /** The .live.info beside live media: each deployed file with its sha256, then as {@link #render}. */
    static String renderLive(BuildConfig config, String stage, Map<String, String> fileSha256, List<String> kernels,
            List<String> packages, String strataVersion, Instant built) {
        StringBuilder out = new StringBuilder();
        fileSha256.forEach((file, sha) -> out.append("File: ").append(file).append("  sha256 ").append(sha).append('\n'));
        describe(out, config, stage, kernels, packages, strataVersion, built);
        return out.toString();
    }

    /**
     * Where a build ran and put things, and where it took its packages from (a lock repeats a build's
     * versions; offline or not, they are the same), not what the image is made from: two builds of one
     * image in other directories, or one of them from the other's lock, write the same .info.
     */
    static final Set<String> PLACES = Set.of("BASE_DIR", "WORK_DIR", "DEPLOY_DIR", "STAGE_STORE_DIR", "PACKAGE_CACHE_DIR",
            "PACKAGE_LOCK", "OFFLINE");

    private static void describe(StringBuilder out, BuildConfig config, String stage, List<String> kernels,
            List<String> packages, String strataVersion, Instant built) {
        out.append("Built: ").append(built).append(" by Strata ").append(strataVersion).append('\n');
        out.append("Stage: ").append(stage).append('\n');
        out.append("Target: ").append(config.targetRaspi() ? "Raspberry Pi " : "PC ")
                .append(config.targetArch().debianName()).append(", Debian ").append(config.release().codename())
                .append('\n');
        out.append("Kernel: ").append(kernels.isEmpty() ? "(none)" : String.join(", ", kernels)).append('\n');
        out.append("\nConfig (secret values masked; where the build ran, put its files and took its packages left out):\n");
        for (Map.Entry<String, String> variable : config.variables().entrySet()) {
            if (PLACES.contains(variable.getKey())) {
                continue;
            }
            out.append(variable.getKey()).append('=').append(shown(variable.getKey(), variable.getValue())).append('\n');
        }
        out.append("\nPackages (").append(packages.size()).append("):\n");
        packages.forEach(p -> out.append(p).append('\n'));
    }

    /** Secret variables (known ones, and any whose name says so) masked; so are passwords in URLs. */
    private static String shown(String name, String value) {
        if (value == null) {
            return "";
        }
        return ConfigSecrets.isSecret(name) && !value.isEmpty() ? SecretMasker.MASK : ConfigSecrets.withoutUrlPassword(value);
    }
}
