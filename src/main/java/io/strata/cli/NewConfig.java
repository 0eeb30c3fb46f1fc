package io.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.strata.config.TemplateConfig;

/** {@code ./build --new [FILE]}: the template config, written only where no file is. */
final class NewConfig {

    private NewConfig() {
    }

    static int write(Path file, PrintWriter out, PrintWriter err) {
        try {
            // Owner-only from the start: the user's passwords go into it next.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, TemplateConfig.render());
        } catch (FileAlreadyExistsException e) {
            err.println("strata: " + file + " already exists and is left as it is: name another file (./build --new "
                    + "my.cfg) or remove it first");
            return ExitCodes.BAD_INPUT;
        } catch (IOException e) {
            err.println("strata: cannot write " + file + ": " + e.getMessage() + " (name a file in a writable directory)");
            return ExitCodes.BAD_INPUT;
        }
        out.println("Wrote " + file + ": every variable with its default, commented out. Set IMG_NAME and what you "
                + "need, then: sudo ./build -c " + file);
        out.flush();
        return ExitCodes.OK;
    }
}
