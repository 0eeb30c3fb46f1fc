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

/** Checks the tools in {@code depends} and installs the missing ones with apt-get where it can. */
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

    public List<Requirement> missing() {
        return requirements.stream().filter(r -> Programs.find(r.tool()).isEmpty()).toList();
    }

    /** Installs what is missing (when allowed and apt-get exists), or fails naming the tools and packages. */
    public void ensure(boolean install, ProcessRunner runner, PrintWriter out)
            throws MissingToolsException, InterruptedException {
        List<Requirement> missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        Set<String> packages = new LinkedHashSet<>();
        missing.forEach(r -> packages.add(r.debianPackage()));
        if (!install || Programs.find("apt-get").isEmpty()) {
            throw new MissingToolsException(missing, install ? "this host has no apt-get" : "--no-install-deps was given");
        }
        out.println("Installing missing host packages: " + String.join(" ", packages));
        out.flush();
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(packages);
        try {
            Command update = Command.of("apt-get", "update", "-q");
            Command installCommand = Command.of(argv).withEnv(java.util.Map.of("DEBIAN_FRONTEND", "noninteractive"));
            if (!runner.run(installCommand).succeeded()) {
                runner.check(update);
                runner.check(installCommand);
            }
        } catch (CommandFailedException e) {
            throw new MissingToolsException(missing, "apt-get could not install them: " + e.getMessage());
        }
        List<Requirement> still = missing();
        if (!still.isEmpty()) {
            throw new MissingToolsException(still, "they are still missing after apt-get install");
        }
    }
}
