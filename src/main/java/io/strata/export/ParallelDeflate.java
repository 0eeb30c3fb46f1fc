package io.strata.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import io.strata.reuse.Digests;

/**
 * Deflates a file on every core into one raw deflate stream, as pigz does: the file is cut into
 * blocks, each block is compressed on its own with the 32 KiB before it as its dictionary and ended
 * by a sync flush (the last one by the final block), and the pieces are written in order. Their
 * concatenation is one valid deflate stream, so zip and gzip readers see an ordinary entry. The CRC-32
 * and SHA-256 of the input are taken on the way, so the file is read once.
 */
final class ParallelDeflate {

    /** What a zip entry or a gzip trailer needs, and the input's checksum for the .info file. */
    record Result(long inputSize, long crc32, String inputSha256, long outputSize) {
    }

    static final int BLOCK = 1 << 20;
    private static final int DICTIONARY = 32 << 10;

    private final int level;
    private final int threads;

    ParallelDeflate(int level, int threads) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("deflate level " + level + " is not 0 to 9");
        }
        this.level = level;
        this.threads = Math.max(1, threads);
    }

    static ParallelDeflate onEveryCore(int level) {
        return new ParallelDeflate(level, Runtime.getRuntime().availableProcessors());
    }

    Result compress(Path input, OutputStream out) throws IOException, InterruptedException {
        CRC32 crc = new CRC32();
        MessageDigest sha = Digests.sha256();
        long inputSize = 0;
        long outputSize = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "deflate");
            thread.setDaemon(true);
            return thread;
        });
        Deque<Future<byte[]>> pending = new ArrayDeque<>();
        try (InputStream in = Files.newInputStream(input)) {
            byte[] dictionary = new byte[0];
            byte[] block = in.readNBytes(BLOCK);
            while (true) {
                byte[] next = block.length == BLOCK ? in.readNBytes(BLOCK) : new byte[0];
                boolean last = next.length == 0;
                crc.update(block);
                sha.update(block);
                inputSize += block.length;
                byte[] current = block;
                byte[] before = dictionary;
                pending.add(pool.submit(() -> deflate(current, before, last)));
                if (pending.size() >= threads * 2) {
                    outputSize += writeNext(pending, out);
                }
                if (last) {
                    break;
                }
                dictionary = tail(block);
                block = next;
            }
            while (!pending.isEmpty()) {
                outputSize += writeNext(pending, out);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(inputSize, crc.getValue(), HexFormat.of().formatHex(sha.digest()), outputSize);
    }

    private byte[] deflate(byte[] block, byte[] dictionary, boolean last) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (dictionary.length > 0) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(block);
            ByteArrayOutputStream out = new ByteArrayOutputStream(block.length / 2 + 64);
            byte[] buffer = new byte[64 << 10];
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    out.write(buffer, 0, deflater.deflate(buffer));
                }
            } else {
                // A sync flush ends on a byte boundary; when it fills the buffer, there may be more.
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                    out.write(buffer, 0, n);
                } while (n == buffer.length);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static long writeNext(Deque<Future<byte[]>> pending, OutputStream out) throws IOException, InterruptedException {
        try {
            byte[] piece = pending.removeFirst().get();
            out.write(piece);
            return piece.length;
        } catch (ExecutionException e) {
            throw new IOException("deflate failed", e.getCause());
        }
    }

    private static byte[] tail(byte[] block) {
        return block.length <= DICTIONARY ? block : Arrays.copyOfRange(block, block.length - DICTIONARY, block.length);
    }
}
