package io.strata.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A machine's serial console: everything it prints is kept (the transcript), and a caller can wait
 * for a pattern to appear after what it has already read, and type lines.
 */
final class SerialConsole {

    private final StringBuilder transcript = new StringBuilder();
    private final OutputStream keyboard;
    private int cursor;
    private boolean closed;

    SerialConsole(InputStream screen, OutputStream keyboard) {
        this.keyboard = keyboard;
        Thread reader = new Thread(() -> read(screen), "serial-console");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream screen) {
        byte[] buffer = new byte[4096];
        try {
            for (int n = screen.read(buffer); n >= 0; n = screen.read(buffer)) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8).replace("\r", "");
                synchronized (this) {
                    transcript.append(text);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the machine is gone; waiting callers see the end below
        }
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }

    /** Waits until {@code pattern} appears after the cursor, and moves the cursor past it. */
    synchronized Optional<Matcher> await(Pattern pattern, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            Matcher matcher = pattern.matcher(transcript);
            if (matcher.find(cursor)) {
                cursor = matcher.end();
                return Optional.of(matcher);
            }
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0 || closed) {
                return Optional.empty();
            }
            wait(Math.min(left, 1000));
        }
    }

    /** Waits for the first of several patterns; returns its index, or -1. */
    synchronized int awaitAny(List<Pattern> patterns, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            int best = -1;
            int bestStart = Integer.MAX_VALUE;
            Matcher found = null;
            for (int i = 0; i < patterns.size(); i++) {
                Matcher matcher = patterns.get(i).matcher(transcript);
                if (matcher.find(cursor) && matcher.start() < bestStart) {
                    best = i;
                    bestStart = matcher.start();
                    found = matcher;
                }
            }
            if (found != null) {
                cursor = found.end();
                return best;
            }
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0 || closed) {
                return -1;
            }
            wait(Math.min(left, 1000));
        }
    }

    void type(String line) throws IOException {
        keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Whether the machine has gone (its console output ended). */
    synchronized boolean closed() {
        return closed;
    }

    synchronized String transcript() {
        return transcript.toString();
    }

    /** The last {@code count} lines the console printed, for a timeout message. */
    synchronized List<String> lastLines(int count) {
        List<String> lines = transcript.toString().lines().toList();
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }
}
