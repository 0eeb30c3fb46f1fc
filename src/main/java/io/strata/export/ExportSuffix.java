package io.strata.export;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.strata.config.BadInputException;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.CommandResult;
import io.strata.exec.ProcessRunner;

/** A stage's EXPORT_IMAGE file is a bash fragment, as in pi-gen; what Strata takes from it is IMG_SUFFIX. */
public final class ExportSuffix {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._+-]*");

    private ExportSuffix() {
    }

    /**
     * The suffix an image export gets: with USE_QEMU=1, {@code -qemu} is appended, unless the
     * EXPORT_IMAGE fragment appended it itself (as the spec's fork's do when they see USE_QEMU).
     */
    public static String forImage(String suffix, boolean useQemu) {
        return useQemu && !suffix.endsWith("-qemu") ? suffix + "-qemu" : suffix;
    }

    public static String read(ProcessRunner runner, Path exportFile, Map<String, String> env)
            throws BadInputException, InterruptedException {
        Command command = Command.of("bash", "-c", "set -e; IMG_SUFFIX=; source \"$1\" >&2; printf %s \"$IMG_SUFFIX\"",
                "export-image", exportFile.toString()).withEnv(env);
        CommandResult result;
        try {
            result = runner.run(command);
        } catch (CommandFailedException e) {
            throw new BadInputException(List.of(exportFile + " cannot be read: " + e.getMessage()));
        }
        if (!result.succeeded()) {
            throw new BadInputException(List.of(exportFile + " fails when bash sources it (exit "
                    + result.exitCode() + "): it should only set IMG_SUFFIX, for example IMG_SUFFIX=\"-lite\""));
        }
        String suffix = result.stdout().strip();
        if (!SAFE.matcher(suffix).matches()) {
            throw new BadInputException(List.of(exportFile + " sets IMG_SUFFIX='" + suffix
                    + "', which becomes part of a file name and may hold only letters, digits and . _ + -"));
        }
        return suffix;
    }
}
