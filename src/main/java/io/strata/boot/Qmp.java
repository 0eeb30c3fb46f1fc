package io.strata.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * QEMU's machine protocol (QMP) on a Unix socket, for what the serial console cannot do: a
 * screenshot of the VM's display. One command at a time; events QEMU sends between are passed over.
 */
final class Qmp implements AutoCloseable {

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private Qmp(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** The QEMU argument that opens the socket {@link #connect} talks to. */
    static String argument(Path socket) {
        return "unix:" + socket + ",server=on,wait=off";
    }

    static Qmp connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        Qmp qmp = new Qmp(channel);
        qmp.readReply("greeting");
        qmp.execute("{\"execute\":\"qmp_capabilities\"}");
        return qmp;
    }

    /** Writes the display as a PNG file (QEMU 7.1 or later). */
    void screendump(Path png) throws IOException {
        Path target = png.toAbsolutePath();
        Files.deleteIfExists(target);
        execute("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + jsonText(target.toString())
                + "\",\"format\":\"png\"}}");
        if (!Files.isRegularFile(target) || Files.size(target) == 0) {
            throw new IOException("QEMU wrote no screenshot to " + target);
        }
    }

    private void execute(String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String reply = readReply(command);
        if (reply.contains("\"error\"")) {
            throw new IOException("QEMU refused " + command + ": " + reply);
        }
    }

    /** The next line that is not an event: QEMU's answer. */
    private String readReply(String what) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.contains("\"event\"")) {
                return line;
            }
        }
        throw new IOException("QEMU closed its QMP socket before answering " + what);
    }

    static String jsonText(String value) {
        StringBuilder text = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
