package io.strata.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.reuse.Digests;

/**
 * Puts a finished raw image into the deploy directory, packed as DEPLOY_COMPRESSION asks, with a
 * .sha256 that {@code sha256sum -c} accepts. zip and gzip are deflated on every core
 * ({@link ParallelDeflate}) while both checksums are taken, so the raw image is read once; the zip is
 * a standard one (sizes in the local header, Zip64 past 4 GiB) that streaming unzippers read. Every
 * file is written under a temporary name and renamed when complete, so the deploy directory never
 * holds half a file.
 */
final class Deployer {

    /** The deploy file, and the SHA-256 of the raw image it holds. */
    record Deployed(Path file, String rawSha256) {
    }

    private static final int GZIP_MAGIC = 0x8b1f;
    private static final int OS_UNIX = 3;

    private final ProcessRunner runner;

    Deployer(ProcessRunner runner) {
        this.runner = runner;
    }

    /**
     * Packs {@code image} (named {@code names.image()}) into {@code deployDir}; {@code scratch} is a
     * directory for the zip's compressed data. The image may be moved (DEPLOY_COMPRESSION=none).
     */
    Deployed deploy(Path image, DeployNames names, int level, Path deployDir, Path scratch)
            throws IOException, CommandFailedException, InterruptedException {
        Files.createDirectories(deployDir);
        Path target = deployDir.resolve(names.deployFile());
        Path partial = deployDir.resolve("." + names.deployFile() + ".partial");
        Files.deleteIfExists(partial);
        MessageDigest packed = Digests.sha256();
        String rawSha256;
        String deployedSha256;
        switch (names.compression()) {
            case NONE -> {
                moveOrCopy(image, partial);
                rawSha256 = Digests.ofFile(partial);
                deployedSha256 = rawSha256;
            }
            case ZIP -> {
                rawSha256 = zip(image, names.image(), level, partial, scratch, packed);
                deployedSha256 = HexFormat.of().formatHex(packed.digest());
            }
            case GZ -> {
                rawSha256 = gzip(image, level, partial, packed);
                deployedSha256 = HexFormat.of().formatHex(packed.digest());
            }
            case XZ -> {
                CompletableFuture<String> raw = CompletableFuture.supplyAsync(() -> digest(image));
                runner.check(Command.of("xz", "-T0", "-" + level, "-c", image.toString()).withStdout(partial));
                rawSha256 = join(raw);
                deployedSha256 = Digests.ofFile(partial);
            }
            case ZSTD -> {
                // zstd's levels run 1 to 19: COMPRESSION_LEVEL 0 is its fastest, 1 to 9 are taken as they are.
                CompletableFuture<String> raw = CompletableFuture.supplyAsync(() -> digest(image));
                runner.check(Command.of("zstd", "-T0", "-q", "-" + Math.max(1, level), "-c", image.toString())
                        .withStdout(partial));
                rawSha256 = join(raw);
                deployedSha256 = Digests.ofFile(partial);
            }
            default -> throw new IllegalStateException(names.compression().toString());
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeAtomically(deployDir.resolve(names.checksum()), deployedSha256 + "  " + target.getFileName() + "\n");
        return new Deployed(target, rawSha256);
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Moves (or copies) {@code file} to {@code target} under a hidden name first, so the target appears whole. */
    static Path place(Path file, Path target) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        moveOrCopy(file, partial);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** One deflated entry: compressed into {@code scratch} first, so the local header can hold its sizes. */
    private static String zip(Path image, String entryName, int level, Path out, Path scratch, MessageDigest packed)
            throws IOException, InterruptedException {
        Path deflated = Files.createTempFile(scratch, "deflated", ".raw");
        try {
            ParallelDeflate.Result result;
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(deflated), 1 << 20)) {
                result = ParallelDeflate.onEveryCore(level).compress(image, raw);
            }
            ZipArchiveEntry entry = new ZipArchiveEntry(entryName);
            entry.setMethod(ZipArchiveEntry.DEFLATED);
            entry.setSize(result.inputSize());
            entry.setCompressedSize(result.outputSize());
            entry.setCrc(result.crc32());
            entry.setLastModifiedTime(Files.getLastModifiedTime(image));
            entry.setUnixMode(0100644);
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(digesting(out, packed));
                    InputStream data = Files.newInputStream(deflated)) {
                zip.setUseZip64(Zip64Mode.AsNeeded);
                zip.addRawArchiveEntry(entry, data);
            }
            return result.inputSha256();
        } finally {
            Files.deleteIfExists(deflated);
        }
    }

    /** RFC 1952: a ten-byte header, the deflate stream, the CRC-32 and the size modulo 2^32. */
    private static String gzip(Path image, int level, Path out, MessageDigest packed) throws IOException, InterruptedException {
        try (OutputStream gz = digesting(out, packed)) {
            writeLittleEndian(gz, GZIP_MAGIC, 2);
            gz.write(8); // deflate
            gz.write(0); // no flags
            writeLittleEndian(gz, 0, 4); // no modification time, as gzip -n
            gz.write(level == 9 ? 2 : level == 1 ? 4 : 0);
            gz.write(OS_UNIX);
            ParallelDeflate.Result result = ParallelDeflate.onEveryCore(level).compress(image, gz);
            writeLittleEndian(gz, result.crc32(), 4);
            writeLittleEndian(gz, result.inputSize(), 4);
            return result.inputSha256();
        }
    }

    private static OutputStream digesting(Path file, MessageDigest digest) throws IOException {
        return new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20), digest);
    }

    private static void writeLittleEndian(OutputStream out, long value, int bytes) throws IOException {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }

    /** A rename where image and deploy directory share a file system; a copy where they do not. */
    private static void moveOrCopy(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String digest(Path file) {
        try {
            return Digests.ofFile(file);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static String join(CompletableFuture<String> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
