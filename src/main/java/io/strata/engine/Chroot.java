package io.strata.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.strata.exec.Command;

/**
 * Commands inside a root filesystem, each in a private mount namespace (unshare) that takes the
 * chroot's proc, sys, dev and tmpfs mounts with it when it ends.
 */
public final class Chroot {

    private final RunTools tools;

    public Chroot(RunTools tools) {
        this.tools = tools;
    }

    /** {@code argv} run inside {@code rootfs} with {@code env}. */
    public Command command(Path rootfs, Map<String, String> env, String... argv) {
        List<String> full = new ArrayList<>(namespace());
        full.add(rootfs.toString());
        full.addAll(Arrays.asList(argv));
        return Command.of(full).withEnv(env);
    }

    /** Builds a deferred initramfs once and removes the build-time files (policy-rc.d, proxy, stubs). */
    public Command tidy(Path rootfs, Map<String, String> env) {
        List<String> full = new ArrayList<>(namespace());
        full.add("--tidy");
        full.add(rootfs.toString());
        return Command.of(full).withEnv(env);
    }

    private List<String> namespace() {
        return List.of("unshare", "--mount", "--propagation", "private", "--", tools.chrootEnter().toString());
    }
}
