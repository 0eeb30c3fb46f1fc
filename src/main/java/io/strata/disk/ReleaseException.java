package io.strata.disk;

import java.util.List;

/** Some attached resources could not be released; they stay in the ledger for {@code imagetool --cleanup}. */
public class ReleaseException extends Exception {

    public ReleaseException(List<String> failures) {
        super("could not release " + String.join("; ", failures)
                + " (they stay in the ledger: run `sudo ./imagetool --cleanup`)");
    }
}
