package io.strata.disk;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.strata.exec.CommandFailedException;
import io.strata.exec.LineSink;
import io.strata.exec.SystemProcessRunner;

/**
 * {@code imagetool --mount/--umount/--connect/--disconnect}: a stage image or an exported image
 * attached for a person to look into. Each attachment has its own ledger under /run/strata/imagetool
 * (gone at reboot, as the attachments are), so a later imagetool call can release exactly it.
 */
public final class AttachTool {

    private static final Path REGISTRY = Path.of("/run/strata/imagetool");

    /** Bad input found before anything is touched. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final DiskTools disk = new DiskTools(new SystemProcessRunner(LineSink.DISCARD));
    private final PrintWriter out;

    public AttachTool(PrintWriter out) {
        this.out = out;
    }

    public void mount(Path image, Path mountPoint)
            throws Refused, InterruptedException, CommandFailedException, IOException, ReleaseException {
        Kind kind = checkImage(image);
        checkNotAttached(image);
        Path dir = mountPoint.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Refused("mount point " + dir + " is not a directory");
        }
        if (HostMounts.isMountPoint(dir)) {
            throw new Refused("mount point " + dir + " is busy: something is mounted there already (`./imagetool "
                    + "--umount " + dir + "` if it is an image)");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new Refused("mount point " + dir + " is busy: it holds files; give an empty directory");
                }
            }
        }
        Files.createDirectories(dir);
        Path ledgerFile = REGISTRY.resolve("mount" + dir.toString().replace('/', '_') + ".yaml");
        ResourceScope scope = open(ledgerFile);
        boolean done = false;
        try {
            boolean readOnly = kind == Kind.EXPORTED || isSealed(image);
            if (kind == Kind.STAGE) {
                Path device = attacher(ledgerFile).attach(image, scope, readOnly);
                if (readOnly) {
                    disk.mountReadOnly(device, dir, null, scope);
                } else {
                    disk.mount(device, dir, scope);
                }
            } else {
                Mbr mbr = Mbr.read(image).orElseThrow();
                Path root = disk.attachLoopReadOnly(image, mbr.partition(1).offset(), mbr.partition(1).size(), scope);
                disk.mountReadOnly(root, dir, "ext4", scope);
                mountBootIfPossible(image, mbr.partition(0), dir, scope);
            }
            done = true;
            out.println("mounted " + image + " at " + dir + (readOnly ? " (read-only)" : "") + "; release it with "
                    + "`sudo ./imagetool --umount " + dir + "`");
        } finally {
            if (!done) {
                scope.close();
                Files.deleteIfExists(ledgerFile);
            }
        }
    }

    /** False when the kernel would not let go (the reason printed); the ledger then stays. */
    public boolean umount(Path mountPoint) throws Refused, InterruptedException, IOException {
        Path dir = mountPoint.toAbsolutePath().normalize();
        Path ledgerFile = REGISTRY.resolve("mount" + dir.toString().replace('/', '_') + ".yaml");
        if (!Files.exists(ledgerFile)) {
            throw new Refused("nothing is mounted at " + dir + " by imagetool" + (HostMounts.isMountPoint(dir)
                    ? " (it is a mount point, but not one of imagetool's: use umount)" : ""));
        }
        return release(ledgerFile, "unmounted " + dir);
    }

    public void connect(Path image) throws Refused, InterruptedException, CommandFailedException, IOException, ReleaseException {
        Kind kind = checkImage(image);
        checkNotAttached(image);
        Path pending = REGISTRY.resolve("connect-pending-" + ProcessHandle.current().pid() + ".yaml");
        ResourceScope scope = open(pending);
        boolean done = false;
        try {
            boolean readOnly = kind == Kind.EXPORTED || isSealed(image);
            Path device = kind == Kind.STAGE ? attacher(pending).attach(image, scope, readOnly)
                    : disk.attachLoopReadOnly(image, 0, 0, scope);
            Files.move(pending, REGISTRY.resolve("connect-" + device.getFileName() + ".yaml"));
            done = true;
            out.println(device);
        } finally {
            if (!done) {
                scope.close();
                Files.deleteIfExists(pending);
            }
        }
    }

    /** False when the kernel would not let go (the reason printed); the ledger then stays. */
    public boolean disconnect(Path device) throws Refused, InterruptedException, IOException {
        Path ledgerFile = REGISTRY.resolve("connect-" + device.getFileName() + ".yaml");
        if (!Files.exists(ledgerFile)) {
            throw new Refused(device + " was not connected by imagetool (`./imagetool --list` shows what is)");
        }
        return release(ledgerFile, "disconnected " + device);
    }

    /** Every attachment imagetool holds now, one line each. */
    public static List<String> attachments() throws IOException {
        List<String> lines = new ArrayList<>();
        if (!Files.isDirectory(REGISTRY)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(REGISTRY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                List<Ledger.Entry> entries = Ledger.read(file);
                String image = imageOf(entries).map(Path::toString).orElse("?");
                entries.stream().filter(e -> e.kind() == Ledger.Kind.MOUNT).findFirst().ifPresentOrElse(
                        e -> lines.add("mounted " + image + " at " + e.target()),
                        () -> entries.stream().filter(e -> e.kind() == Ledger.Kind.LOOP || e.kind() == Ledger.Kind.NBD)
                                .reduce((first, last) -> last)
                                .ifPresent(e -> lines.add("connected " + image + " as " + e.target())));
            }
        }
        return lines;
    }

    /** The image an attachment serves: qemu-nbd's image, or the file behind the first loop device. */
    private static Optional<Path> imageOf(List<Ledger.Entry> entries) {
        for (Ledger.Entry e : entries) {
            if (e.kind() == Ledger.Kind.PROCESS && e.detail().startsWith("qemu-nbd ")) {
                return Optional.of(Path.of(e.detail().substring("qemu-nbd ".length())));
            }
            if (e.kind() == Ledger.Kind.NBD) {
                return Optional.of(Path.of(e.detail()));
            }
            if (e.kind() == Ledger.Kind.LOOP && !e.detail().startsWith(REGISTRY.toString())) {
                return Optional.of(Path.of(e.detail()));
            }
        }
        return Optional.empty();
    }

    /** Refuses an image imagetool already holds: two writers, or a writer and a reader, corrupt it. */
    private static void checkNotAttached(Path image) throws Refused, IOException {
        if (!Files.isDirectory(REGISTRY)) {
            return;
        }
        Path wanted = image.toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(REGISTRY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                List<Ledger.Entry> entries = Ledger.read(file);
                if (imageOf(entries).map(p -> p.toAbsolutePath().normalize().equals(wanted)).orElse(false)) {
                    String where = entries.stream().filter(e -> e.kind() == Ledger.Kind.MOUNT).map(Ledger.Entry::target)
                            .findFirst().map(t -> "mounted at " + t + " (`sudo ./imagetool --umount " + t + "`)")
                            .orElse("connected (`./imagetool --list`, then --disconnect)");
                    throw new Refused(image + " is already " + where);
                }
            }
        }
    }

    private boolean release(Path ledgerFile, String what) throws InterruptedException, IOException {
        List<Path> runDirs = runDirs(Ledger.read(ledgerFile));
        try {
            new LeftoverReleaser(disk).release(Ledger.open(ledgerFile));
        } catch (ReleaseException e) {
            out.println("strata: " + e.getMessage() + (e.getMessage().contains("busy")
                    ? "; a process still uses it: find it with `fuser -vm MOUNTPOINT`" : ""));
            return false;
        }
        Files.deleteIfExists(ledgerFile);
        for (Path dir : runDirs) {
            if (HostMounts.atOrBelow(dir).isEmpty()) {
                org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
            }
        }
        out.println(what);
        return true;
    }

    /** The directories under the registry an attachment used (qemu-nbd's socket, the FUSE mount point). */
    private static List<Path> runDirs(List<Ledger.Entry> entries) {
        return entries.stream().flatMap(e -> Stream.of(e.target(), e.detail()))
                .filter(p -> p.startsWith(REGISTRY + "/"))
                .map(p -> REGISTRY.resolve(REGISTRY.relativize(Path.of(p)).getName(0)))
                .filter(Files::isDirectory).distinct().toList();
    }

    private enum Kind { STAGE, EXPORTED }

    /** A stage image (qcow2 holding one file system) or an exported image (MBR, ext4 root second). */
    private Kind checkImage(Path image) throws Refused, IOException {
        if (!Files.isRegularFile(image)) {
            throw new Refused("image " + image + " does not exist");
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(image)) {
            if (in.readNBytes(head, 0, 4) == 4 && head[0] == 'Q' && head[1] == 'F' && head[2] == 'I'
                    && (head[3] & 0xff) == 0xfb) {
                return Kind.STAGE;
            }
        }
        if (Mbr.read(image).map(mbr -> mbr.partition(1).type() == 0x83).orElse(false)) {
            return Kind.EXPORTED;
        }
        throw new Refused(image + " is not a Strata image: give a stage image (WORK_DIR/image-<stage>.qcow2) or an "
                + "exported .img (unpack a .zip, .gz, .xz or .zst first)");
    }

    /** The boot partition at /boot/firmware or /boot/efi, where this host can mount its file system at all. */
    private void mountBootIfPossible(Path image, Mbr.Partition part, Path root, ResourceScope scope)
            throws InterruptedException {
        Optional<Path> bootDir = Stream.of("boot/firmware", "boot/efi").map(root::resolve).filter(Files::isDirectory).findFirst();
        if (bootDir.isEmpty()) {
            return;
        }
        int before = scope.size();
        try {
            Path loop = disk.attachLoopReadOnly(image, part.offset(), part.size(), scope);
            disk.mountReadOnly(loop, bootDir.get(), null, scope);
        } catch (CommandFailedException e) {
            try {
                scope.releaseAllBut(before);
            } catch (ReleaseException inner) {
                out.println("strata: " + inner.getMessage());
            }
            out.println("note: the boot partition cannot be mounted on this host (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); read it with mtools: mdir -i " + image + "@@" + part.offset());
        }
    }

    /** A done stage image (its .done marker beside it, or no write permission left) is never written again. */
    private static boolean isSealed(Path image) throws IOException {
        boolean writable = Files.getPosixFilePermissions(image).stream().anyMatch(p -> p.name().endsWith("_WRITE"));
        return !writable || image.getFileName().toString().endsWith(".qcow2")
                && Files.exists(image.resolveSibling(image.getFileName().toString()
                        .replaceFirst("^image-", "").replaceFirst("\\.qcow2$", ".done")));
    }

    private ResourceScope open(Path ledgerFile) throws IOException {
        Files.createDirectories(REGISTRY);
        return new ResourceScope(Ledger.open(ledgerFile));
    }

    private QcowAttacher attacher(Path ledgerFile) {
        return QcowAttacher.forHost(disk, REGISTRY.resolve(ledgerFile.getFileName().toString()
                .replace(".yaml", "")));
    }
}
