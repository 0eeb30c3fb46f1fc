package io.strata.disk;

import java.util.List;

/**
 * Some attached resources could not be released; they stay in the ledger, and the next build of the
 * work dir releases them first.
 */
public class ReleaseException extends Exception {

    public ReleaseException(List<String> failures) {
        super("could not release " + String.join("; ", failures)
                + " (they stay in the ledger; the next build of this work dir releases them first)");
    }
}
