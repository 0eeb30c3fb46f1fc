package io.strata.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.strata.config.Compression;
import io.strata.reuse.Digests;
import io.strata.testing.RecordingRunner;

class DeployerTest {

    @TempDir
    Path dir;

    private final Deployer deployer = new Deployer(new RecordingRunner(c -> RecordingRunner.result(c, 0)));

    /** Random bytes (incompressible), zeros (a sparse image's free space) and text, over many blocks. */
    private Path image() throws IOException {
        Path image = dir.resolve("work/image_x-lite.img");
        Files.createDirectories(image.getParent());
        Random random = new Random(42);
        byte[] noise = new byte[3 * ParallelDeflate.BLOCK + 12345];
        random.nextBytes(noise);
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 2 * ParallelDeflate.BLOCK; i++) {
            text.append("line ").append(i).append(" of a file system's text\n");
        }
        try (var out = Files.newOutputStream(image)) {
            out.write(noise);
            out.write(new byte[5 * ParallelDeflate.BLOCK]);
            out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(noise, 0, 777);
        }
        return image;
    }

    @Test
    void aZipIsReadByAStreamingReaderWithTheImageIntact() throws Exception {
        Path image = image();
        String sha = Digests.ofFile(image);
        DeployNames names = new DeployNames("image_x-lite", Compression.ZIP);

        Deployer.Deployed deployed = deployer.deploy(image, names, 6, dir.resolve("deploy"), image.getParent());

        assertThat(deployed.file()).hasFileName("image_x-lite.zip");
        assertThat(deployed.rawSha256()).isEqualTo(sha);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(deployed.file()))) {
            ZipEntry entry = zip.getNextEntry();
            assertThat(entry.getName()).isEqualTo("image_x-lite.img");
            // Sizes in the local header, not in a data descriptor after the data: what streaming readers need.
            assertThat(entry.getSize()).isEqualTo(Files.size(image));
            assertThat(entry.getCompressedSize()).isPositive();
            assertThat(sha256(zip)).isEqualTo(sha);
            assertThat(zip.getNextEntry()).isNull();
        }
        try (ZipFile zip = new ZipFile(deployed.file().toFile())) {
            assertThat(zip.size()).isEqualTo(1);
            assertThat(sha256(zip.getInputStream(zip.getEntry("image_x-lite.img")))).isEqualTo(sha);
        }
        assertThat(Files.size(deployed.file())).isLessThan(Files.size(image) / 2);
        assertChecksumFile(deployed.file());
        assertThat(image.getParent()).isDirectoryNotContaining("glob:**.raw");
    }

    @Test
    void aGzipIsOneMemberThatGzipAccepts() throws Exception {
        Path image = image();
        String sha = Digests.ofFile(image);

        Deployer.Deployed deployed = deployer.deploy(image, new DeployNames("image_x-lite", Compression.GZ), 1,
                dir.resolve("deploy"), image.getParent());

        assertThat(deployed.file()).hasFileName("image_x-lite.img.gz");
        assertThat(deployed.rawSha256()).isEqualTo(sha);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(deployed.file()))) {
            assertThat(sha256(in)).isEqualTo(sha);
        }
        Process gzip = new ProcessBuilder("gzip", "-t", deployed.file().toString()).redirectErrorStream(true).start();
        String said = new String(gzip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gzip.waitFor()).as("gzip -t: %s", said).isZero();
        assertChecksumFile(deployed.file());
    }

    @Test
    void zstdIsWrittenByTheRealToolAndDecompressesToTheImage() throws Exception {
        Path image = image();
        String sha = Digests.ofFile(image);
        Deployer real = new Deployer(new io.strata.exec.SystemProcessRunner(io.strata.exec.LineSink.DISCARD));

        Deployer.Deployed deployed = real.deploy(image, new DeployNames("image_x-lite", Compression.ZSTD), 0,
                dir.resolve("deploy"), image.getParent());

        assertThat(deployed.file()).hasFileName("image_x-lite.img.zst");
        assertThat(deployed.rawSha256()).isEqualTo(sha);
        Path back = dir.resolve("back.img");
        Process zstd = new ProcessBuilder("zstd", "-dq", deployed.file().toString(), "-o", back.toString())
                .redirectErrorStream(true).start();
        String said = new String(zstd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(zstd.waitFor()).as("zstd -d: %s", said).isZero();
        assertThat(Digests.ofFile(back)).isEqualTo(sha);
        assertChecksumFile(deployed.file());
    }

    @Test
    void noCompressionMovesTheImageAndChecksumsItOnce() throws Exception {
        Path image = image();
        String sha = Digests.ofFile(image);

        Deployer.Deployed deployed = deployer.deploy(image, new DeployNames("image_x-lite", Compression.NONE), 6,
                dir.resolve("deploy"), image.getParent());

        assertThat(deployed.file()).hasFileName("image_x-lite.img");
        assertThat(deployed.rawSha256()).isEqualTo(sha);
        assertThat(Digests.ofFile(deployed.file())).isEqualTo(sha);
        assertChecksumFile(deployed.file());
        assertThat(dir.resolve("deploy")).isDirectoryNotContaining("glob:**.partial");
    }

    /** Past 4 GiB a zip needs Zip64 records; the entry must still stream with its sizes up front. */
    @Test
    void anImagePastFourGibibytesGetsZip64() throws Exception {
        Path image = dir.resolve("work/big.img");
        Files.createDirectories(image.getParent());
        long size = (4L << 30) + 3 * ParallelDeflate.BLOCK + 5;
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
            file.seek(size - 5);
            file.write("tail\n".getBytes(StandardCharsets.US_ASCII));
        }

        Deployer.Deployed deployed = deployer.deploy(image, new DeployNames("big", Compression.ZIP), 1,
                dir.resolve("deploy"), image.getParent());

        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(deployed.file()))) {
            ZipEntry entry = zip.getNextEntry();
            assertThat(entry.getSize()).isEqualTo(size);
            assertThat(sha256(zip)).isEqualTo(deployed.rawSha256());
        }
        try (ZipFile zip = new ZipFile(deployed.file().toFile())) {
            assertThat(zip.getEntry("big.img").getSize()).isEqualTo(size);
        }
    }

    private static void assertChecksumFile(Path deployed) throws IOException {
        Path sums = deployed.resolveSibling(deployed.getFileName() + ".sha256");
        assertThat(sums).hasContent(Digests.ofFile(deployed) + "  " + deployed.getFileName());
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0;) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
