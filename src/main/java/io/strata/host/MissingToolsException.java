package io.strata.host;

import java.util.List;
import java.util.stream.Collectors;

/** Host tools the build needs are not installed. */
public class MissingToolsException extends Exception {

    public MissingToolsException(List<Requirement> missing, String why) {
        super("missing host tools: " + missing.stream().map(r -> r.tool() + " (package " + r.debianPackage() + ")")
                .collect(Collectors.joining(", ")) + "; " + why + ". Install them with: apt-get install "
                + missing.stream().map(Requirement::debianPackage).distinct().collect(Collectors.joining(" ")));
    }
}
