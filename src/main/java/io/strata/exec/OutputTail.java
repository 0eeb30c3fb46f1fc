package io.strata.exec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Keeps the last lines of a command's output, for error messages. Safe to feed from two pumps. */
final class OutputTail {

    static final int LINES = 30;

    private final Deque<String> lines = new ArrayDeque<>(LINES);

    synchronized void add(String line) {
        if (lines.size() == LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
