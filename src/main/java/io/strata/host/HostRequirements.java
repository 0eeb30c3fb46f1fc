package io.strata.host;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.strata.exec.Command;
import io.strata.exec.CommandFailedException;
import io.strata.exec.ProcessRunner;
import io.strata.exec.Programs;

/**
 * Checks the tools in {@code depends} that a run needs ({@link HostNeeds}) and installs the missing
 * ones with apt-get where it can.
 */
public final class HostRequirements {

    private final List<Requirement> requirements;

    private HostRequirements(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public static HostRequirements read(Path dependsFile) {
        try {
            List<Requirement> list = new ArrayList<>();
            for (String line : Files.readAllLines(dependsFile)) {
                String content = line.replaceAll("#.*", "").trim();
                if (!content.isEmpty()) {
                    list.add(Requirement.parse(content));
                }
            }
            return new HostRequirements(list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dependsFile, e);
        }
    }

    /** Every line of the file, in its order. */
    public List<Requirement> lines() {
        return requirements;
    }

    /** The tools {@code needs} asks for that this host lacks. */
    public List<Requirement> missing(HostNeeds needs) {
        return requirements.stream().filter(r -> needs.want(r.neededFor()) && !r.isPresent()).toList();
    }

    /**
     * Installs what {@code needs} asks for and the host lacks (when allowed and apt-get exists), or fails
     * naming the tools and packages.
     */
    public void ensure(HostNeeds needs, boolean install, ProcessRunner runner, PrintWriter out)
            throws MissingToolsException, InterruptedException {
        List<Requirement> missing = missing(needs);
        if (missing.isEmpty()) {
            return;
        }
        Set<String> packages = new LinkedHashSet<>();
        missing.forEach(r -> packages.add(r.debianPackage()));
        if (!install || Programs.find("apt-get").isEmpty()) {
            throw new MissingToolsException(missing, install ? "this host has no apt-get" : "--no-install-deps was given");
        }
        out.println("strata: this host lacks " + missing.size() + " of the tools this run needs ("
                + String.join(", ", missing.stream().map(Requirement::tool).toList()) + "; beyond every build's: "
                + needs + ").");
        out.println("strata: installing them with apt-get (once per host): " + String.join(" ", packages));
        out.println("strata: apt-get's progress follows; it takes a minute or two on a fresh machine.");
        out.flush();
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(packages);
        try {
            // A fresh machine (or container) has no package lists yet: read them first, then install once.
            runner.check(Command.of("apt-get", "update", "-q"));
            runner.check(Command.of(argv).withEnv(java.util.Map.of("DEBIAN_FRONTEND", "noninteractive")));
        } catch (CommandFailedException e) {
            throw new MissingToolsException(missing, "apt-get could not install them: " + e.getMessage());
        }
        List<Requirement> still = missing(needs);
        if (!still.isEmpty()) {
            throw new MissingToolsException(still, "they are still missing after apt-get install");
        }
    }
}
