package io.strata.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.strata.config.Arch;
import io.strata.disk.ImageFiles;

/**
 * The initramfs cache's key (PACKAGE_CACHE_DIR/initramfs/KEY.img): a SHA-256 over everything
 * mkinitramfs reads, by content: the kernel version and target architecture, every installed package
 * (dpkg's status file), the kernel's modules and the firmware (every file's path, type, mode and
 * bytes), and the hooks, scripts and configuration that steer it ({@link #INPUTS}). Computed on the
 * host over the mounted stage, every path resolved as the image resolves it ({@link ImageFiles}), so a
 * link in the image never makes the host read its own files. A changed module or firmware file of the
 * same size is another key.
 */
public final class InitramfsKey {

    /** What steers mkinitramfs besides modules and firmware: its hooks, scripts and configuration. */
    public static final List<String> INPUTS = List.of("/usr/share/initramfs-tools", "/usr/lib/modprobe.d",
            "/etc/initramfs-tools", "/etc/initramfs", "/etc/modprobe.d", "/etc/modules", "/etc/modules-load.d",
            "/etc/fstab", "/etc/crypttab", "/etc/udev", "/etc/default", "/etc/console-setup", "/etc/kernel",
            "/etc/plymouth", "/etc/lvm", "/etc/mdadm", "/etc/cryptsetup-initramfs", "/etc/dropbear",
            "/etc/dropbear-initramfs", "/etc/iscsi", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/e2fsck.conf");
    /** Firmware lies here (merged /usr makes both the same directory, which is read once). */
    static final List<String> FIRMWARE = List.of("/lib/firmware", "/usr/lib/firmware");

    /** 3: made with SOURCE_DATE_EPOCH from its kernel (chroot-enter.sh), so the entries of 2 are not the same bytes. */
    private static final int FORMAT = 3;

    private InitramfsKey() {
    }

    /** The key of the initramfs of kernel {@code version} in the image mounted at {@code root}. */
    public static String of(Path root, String version, String arch) throws IOException {
        MessageDigest digest = sha256();
        line(digest, "strata initramfs " + FORMAT + " " + version + " " + arch);
        if (Arch.fromDebianName(arch).filter(Arch::wantsLinearDirectories).isPresent()) {
            // made on a stage file system without hashed directories since an initramfs made with them lost
            // its block drivers (Arch.wantsLinearDirectories): those entries are never taken again
            line(digest, "stage file system: ext4 without dir_index");
        }
        Optional<Path> status = ImageFiles.regularFile(root, "/var/lib/dpkg/status");
        line(digest, "packages");
        if (status.isPresent()) {
            installedPackages(Files.readString(status.get(), StandardCharsets.UTF_8)).forEach(p -> line(digest, p));
        }
        Set<Path> seen = new LinkedHashSet<>();
        tree(digest, root, "/lib/modules/" + version, seen);
        for (String dir : FIRMWARE) {
            tree(digest, root, dir, seen);
        }
        for (String input : INPUTS) {
            tree(digest, root, input, seen);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** "name version architecture" of every installed package, sorted. */
    static List<String> installedPackages(String status) {
        List<String> packages = new ArrayList<>();
        for (java.util.Map<String, String> paragraph : ControlParagraphs.parse(status)) {
            if (paragraph.containsKey("Package") && paragraph.getOrDefault("Status", "").endsWith(" installed")) {
                packages.add(paragraph.get("Package") + " " + paragraph.get("Version") + " " + paragraph.get("Architecture"));
            }
        }
        packages.sort(null);
        return packages;
    }

    /** Every entry below {@code absolute} (path, type, mode, link target or content digest), in name order. */
    private static void tree(MessageDigest digest, Path root, String absolute, Set<Path> seen) throws IOException {
        line(digest, "input " + absolute);
        Optional<Path> start = ImageFiles.resolve(root, absolute);
        if (start.isEmpty() || !seen.add(start.get())) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(start.get())) {
            entries = walk.sorted().toList();
        }
        for (Path entry : entries) {
            PosixFileAttributes attributes = Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String name = start.get().relativize(entry).toString();
            String mode = PosixFilePermissions.toString(attributes.permissions());
            if (attributes.isSymbolicLink()) {
                line(digest, name + " l " + mode + " " + Files.readSymbolicLink(entry));
            } else if (attributes.isDirectory()) {
                line(digest, name + " d " + mode);
            } else if (attributes.isRegularFile()) {
                line(digest, name + " f " + mode + " " + contentDigest(entry));
            } else {
                line(digest, name + " o " + mode);
            }
        }
    }

    private static String contentDigest(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void line(MessageDigest digest, String text) {
        digest.update((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
