package io.strata.config;

import java.util.List;

/** Input a build cannot start from: every problem found, each saying what to write instead. Exit code 2. */
public class BadInputException extends Exception {

    private final List<String> problems;

    public BadInputException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public BadInputException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
