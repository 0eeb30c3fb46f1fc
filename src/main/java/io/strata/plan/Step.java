package io.strata.plan;

import java.nio.file.Path;

/** One thing a substage does, in pi-gen's order: debconf, packages (then local .debs), patches, host script, chroot script. */
public sealed interface Step {

    /** The file or directory in the substage that this step comes from. */
    Path source();

    default String label() {
        return source().getFileName().toString();
    }

    /** Feeds {@code nn-debconf} to debconf-set-selections in the chroot. */
    record Debconf(Path source) implements Step {
    }

    /** Installs the packages listed in {@code nn-packages*}; {@code recommends} says whether apt takes Recommends. */
    record InstallPackages(Path source, boolean recommends) implements Step {
    }

    /** Installs the {@code .deb} files of {@code nn-debs/} with apt, so their dependencies come from the archive. */
    record InstallDebs(Path source) implements Step {
    }

    /** Applies {@code nn-patches/} with quilt in the stage's work directory. */
    record ApplyPatches(Path source) implements Step {
    }

    /** Runs {@code nn-run.sh} (or a stage's {@code prerun.sh}) on the host. */
    record RunHostScript(Path source) implements Step {
    }

    /** Feeds {@code nn-run-chroot.sh} to bash inside the chroot. */
    record RunChrootScript(Path source) implements Step {
    }
}
