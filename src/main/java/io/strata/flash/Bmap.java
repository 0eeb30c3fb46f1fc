package io.strata.flash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.reuse.Digests;

/**
 * A block map as bmaptool writes it (format 2.0): the raw image's size, its block size and the
 * ranges of blocks that hold data, each with the SHA-256 of its bytes. Used to check what a flash
 * wrote: every mapped range of the target must hash as the map says.
 */
public record Bmap(long imageSize, int blockSize, List<Range> ranges) {

    /** Blocks {@code first} to {@code last}, inclusive, and the SHA-256 of their bytes. */
    public record Range(long first, long last, String sha256) {
    }

    public Bmap {
        ranges = List.copyOf(ranges);
    }

    /** Writes the block map of {@code image} to {@code bmapFile} with {@code bmaptool create}. */
    public static void create(ProcessRunner runner, Path image, Path bmapFile) throws CommandFailedException, InterruptedException {
        runner.check(Command.of("bmaptool", "create", "-o", bmapFile.toString(), image.toString()));
    }

    public static Bmap read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(in);
            Element root = doc.getDocumentElement();
            if (!"bmap".equals(root.getTagName()) || !root.getAttribute("version").startsWith("2.")) {
                throw new IOException(file + " is not a block map of bmaptool's format 2");
            }
            if (!"sha256".equals(text(root, "ChecksumType").toLowerCase(Locale.ROOT))) {
                throw new IOException(file + ": only sha256 block maps are read");
            }
            List<Range> ranges = new ArrayList<>();
            NodeList nodes = root.getElementsByTagName("Range");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element range = (Element) nodes.item(i);
                String[] span = range.getTextContent().trim().split("-");
                long first = Long.parseLong(span[0].trim());
                long last = span.length > 1 ? Long.parseLong(span[1].trim()) : first;
                ranges.add(new Range(first, last, range.getAttribute("chksum")));
            }
            return new Bmap(Long.parseLong(text(root, "ImageSize")), Integer.parseInt(text(root, "BlockSize")), ranges);
        } catch (ParserConfigurationException | SAXException | NumberFormatException e) {
            throw new IOException(file + " is not a readable block map: " + e.getMessage(), e);
        }
    }

    private static String text(Element root, String tag) throws IOException {
        NodeList nodes = root.getElementsByTagName(tag);
        if (nodes.getLength() == 0) {
            throw new IOException("the block map has no " + tag);
        }
        return nodes.item(0).getTextContent().trim();
    }

    public long mappedBytes() {
        return ranges.stream().mapToLong(r -> Math.min((r.last() + 1) * blockSize, imageSize) - r.first() * blockSize).sum();
    }

    /**
     * The mapped ranges of {@code target} whose bytes do not hash as this map says, as "blocks A-B"
     * (empty when the target holds the image).
     */
    public List<String> mismatches(Path target) throws IOException {
        List<String> wrong = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ)) {
            for (Range range : ranges) {
                long start = range.first() * blockSize;
                long end = Math.min((range.last() + 1) * blockSize, imageSize);
                MessageDigest digest = Digests.sha256();
                long position = start;
                while (position < end) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                    int read = in.read(buffer, position);
                    if (read < 0) {
                        break;
                    }
                    buffer.flip();
                    digest.update(buffer);
                    position += read;
                }
                if (position < end || !HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(range.sha256())) {
                    wrong.add("blocks " + range.first() + "-" + range.last());
                }
            }
        }
        return wrong;
    }
}
