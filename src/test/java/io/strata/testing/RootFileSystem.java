package io.strata.testing;

import java.io.IOException;
import java.nio.file.Path;

/** The ext4 root of an exported raw image (its second partition), read by debugfs without mounting anything. */
public final class RootFileSystem {

    private RootFileSystem() {
    }

    /** Where the root partition starts in {@code image}, in bytes (from sfdisk's dump). */
    public static long offset(Path image) throws IOException, InterruptedException {
        String start = Host.output(image.getParent(), "sfdisk", "--dump", image.toString()).lines()
                .filter(l -> l.contains(".img2 ")).map(l -> l.replaceAll(".*start=\\s*(\\d+),.*", "$1")).findFirst()
                .orElseThrow();
        return Long.parseLong(start) * 512;
    }

    /** debugfs's output for {@code request} (for example "cat /etc/hostname") on the root of {@code image}. */
    public static String debugfs(Path image, String request) throws IOException, InterruptedException {
        return Host.output(image.getParent(), "debugfs", "-R", request, image + "?offset=" + offset(image));
    }
}
