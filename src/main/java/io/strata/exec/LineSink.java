package io.strata.exec;

/** Receives the output of commands one line at a time, as it happens. */
@FunctionalInterface
public interface LineSink {

    void line(String line);

    LineSink DISCARD = line -> { };
}
