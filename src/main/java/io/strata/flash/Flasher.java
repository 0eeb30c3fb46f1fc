package io.strata.flash;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.strata.config.BadInputException;
import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;

/**
 * {@code imagetool --flash IMAGE DEVICE}: a deployed image (.img, .zip, .img.gz, .img.xz, .img.zst)
 * written by {@code bmaptool copy} with the .bmap beside it, so only the blocks that hold data are
 * written; then every mapped range is read back from the target and checked against the map.
 */
public final class Flasher {

    private static final String PACKED = "(\\.img)?(\\.zip|\\.gz|\\.xz|\\.zst)?$";

    private final ProcessRunner runner;

    public Flasher(ProcessRunner runner) {
        this.runner = runner;
    }

    /** The image and its block map, checked before anything is touched. */
    public record Source(Path image, Path bmapFile, Bmap bmap) {
    }

    /**
     * The image's block map: {@code <base>.bmap} beside it (every export writes one); for a bare .img
     * without one, a map made now in {@code scratch}.
     */
    public Source source(Path image, Path scratch) throws BadInputException, IOException, CommandFailedException, InterruptedException {
        String name = image.getFileName().toString();
        if (!Files.isRegularFile(image)) {
            throw new BadInputException("--flash " + image + ": no such file; give an exported image from the deploy directory");
        }
        if (!name.matches(".*\\.(img|zip|img\\.gz|img\\.xz|img\\.zst)")) {
            throw new BadInputException("--flash " + image + " is not an exported image: give a .img, .zip, .img.gz, "
                    + ".img.xz or .img.zst file");
        }
        Path beside = image.resolveSibling(name.replaceFirst(PACKED, "") + ".bmap");
        if (Files.isRegularFile(beside)) {
            return new Source(image, beside, Bmap.read(beside));
        }
        if (!name.endsWith(".img")) {
            throw new BadInputException("--flash " + image + ": its block map " + beside.getFileName() + " is not beside "
                    + "it; copy it from the deploy directory, or give the unpacked .img");
        }
        Path made = scratch.resolve(name + ".bmap");
        Bmap.create(runner, image, made);
        return new Source(image, made, Bmap.read(made));
    }

    /**
     * Writes {@code source} to {@code target} and checks what landed there; returns the problems found. A
     * device is claimed with O_EXCL: first to prove nothing claims it (a claim sysfs did not show
     * refuses the flash before anything is written), then by bmaptool itself for the write (it opens
     * the device O_EXCL too, so this hold is let go the moment before: a claim in between makes
     * bmaptool refuse), then again from the write until after the check.
     */
    public List<String> flash(Source source, FlashTarget target, PrintWriter out)
            throws CommandFailedException, InterruptedException, IOException, BadInputException {
        Optional<Path> file = target.file();
        if (file.isEmpty()) {
            ExclusiveDevice.open(target.path()).close();
        }
        out.println("Writing " + FlashTarget.human(source.bmap().mappedBytes()) + " of data (of "
                + FlashTarget.human(source.bmap().imageSize()) + ") with bmaptool ...");
        out.flush();
        runner.check(Command.of("bmaptool", "copy", "--bmap", source.bmapFile().toString(), source.image().toString(),
                target.path().toString()));
        try (ExclusiveDevice held = file.isEmpty() ? ExclusiveDevice.open(target.path()) : ExclusiveDevice.NONE) {
            if (file.isEmpty()) {
                // What is read back must come from the device, not from the page cache the write filled.
                runner.check(Command.of("blockdev", "--flushbufs", target.path().toString()));
            }
            out.println("Checking what was written against the block map ...");
            out.flush();
            return source.bmap().mismatches(target.path());
        }
    }
}
