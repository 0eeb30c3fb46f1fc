package io.strata.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.io.file.PathUtils;

import io.strata.config.BadInputException;
import io.strata.exec.CommandFailedException;
import io.strata.exec.SystemProcessRunner;
import io.strata.flash.FlashTarget;
import io.strata.flash.Flasher;

/**
 * {@code imagetool --flash IMAGE DEVICE}: checks the image and the target, says what will be
 * overwritten, asks on a terminal (unless --yes), writes, and reports what the read-back found.
 */
final class FlashTool {

    private final PrintWriter out;
    private final PrintWriter err;

    FlashTool(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    int run(Path image, Path device, boolean force, boolean yes) throws IOException, InterruptedException {
        Flasher flasher = new Flasher(new SystemProcessRunner(line -> {
            out.println("  " + line);
            out.flush();
        }));
        Path scratch = Files.createTempDirectory("strata-flash");
        try {
            Flasher.Source source;
            FlashTarget target;
            try {
                source = flasher.source(image, scratch);
                target = FlashTarget.inspect(device, source.bmap().imageSize(), force);
                if (!yes && System.console() == null) {
                    throw new BadInputException("--flash: there is no terminal to confirm on: add --yes to write "
                            + device + " without asking");
                }
            } catch (BadInputException e) {
                return ExitCodes.badInput(err, "the flash", e);
            }
            out.println("Image:  " + image + " (" + source.bmap().imageSize() + " bytes)");
            out.println("Target: " + target.summary());
            out.flush();
            if (!yes && !confirmed(System.console(), target)) {
                err.println("strata: nothing was written");
                return ExitCodes.FAILED;
            }
            List<String> wrong = flasher.flash(source, target, out);
            if (!wrong.isEmpty()) {
                err.println("strata: the flash failed: " + target.path() + " does not hold the image in "
                        + wrong.size() + " range(s), first " + wrong.get(0) + "; the card or stick may be faulty");
                return ExitCodes.FAILED;
            }
            out.println("Flashed and verified: " + target.path() + " holds " + image.getFileName());
            return ExitCodes.OK;
        } catch (BadInputException e) {
            return ExitCodes.badInput(err, "the flash", e); // the exclusive open found the device busy: nothing written
        } catch (CommandFailedException e) {
            err.println("strata: the flash failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            PathUtils.deleteDirectory(scratch);
            out.flush();
            err.flush();
        }
    }

    private static boolean confirmed(Console console, FlashTarget target) {
        String answer = console.readLine("Everything on %s will be lost. Type yes to write it: ", target.path());
        return answer != null && answer.trim().equals("yes");
    }
}
