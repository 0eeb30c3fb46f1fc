package io.strata.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Drains one output stream of a child line by line on its own thread, so neither pipe can fill up and block it. */
final class StreamPump {

    private final Thread thread;

    private StreamPump(Thread thread) {
        this.thread = thread;
    }

    static StreamPump start(String name, InputStream stream, Consumer<String> onLine) {
        Thread thread = new Thread(() -> drain(stream, onLine), name);
        thread.setDaemon(true);
        thread.start();
        return new StreamPump(thread);
    }

    void join() throws InterruptedException {
        thread.join();
    }

    private static void drain(InputStream stream, Consumer<String> onLine) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            boolean sinkFailed = false;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                // A sink that cannot take a line (the log's disk is full) must not stop the draining:
                // a child whose pipe fills up blocks, and the build with it.
                if (!sinkFailed) {
                    try {
                        onLine.accept(line);
                    } catch (RuntimeException e) {
                        sinkFailed = true;
                        System.err.println("strata: output of a command is lost from here on: " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            if (!"Stream closed".equals(e.getMessage())) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
