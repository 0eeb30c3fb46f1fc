package io.strata.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@link RawConfig} into a {@link BuildConfig}, or reports every problem at once. Pure: it
 * neither reads the disk nor starts a process.
 */
public final class ConfigValidator {

    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern FILE_NAME_PART = Pattern.compile("[A-Za-z0-9._+-]+");
    /** A directory that may stand in apt's configuration and sources as it is. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._+/-]*");
    private static final Pattern MIRROR_URL = Pattern.compile("https?://\\S+");
    private static final Set<String> BOOT_FSTYPES = Set.of("vfat", "ext2", "ext4");
    private static final long MIN_QCOW2_SIZE = 256L << 20;
    private static final long MIN_OVERLAY_SIZE = 32L << 20;

    private final List<String> problems = new ArrayList<>();
    private final RawConfig raw;

    private ConfigValidator(RawConfig raw) {
        this.raw = raw;
    }

    public static BuildConfig validate(RawConfig raw) throws BadInputException {
        return new ConfigValidator(raw).run();
    }

    private BuildConfig run() throws BadInputException {
        String imgName = required("IMG_NAME", "add IMG_NAME=myimage to your config (it names the image files)");
        fileNamePart("IMG_NAME", imgName);
        fileNamePart("IMG_DATE", raw.getOrEmpty("IMG_DATE"));
        Variables.FLAGS.forEach(this::flag);
        Optional<Arch> arch = arch();
        boolean raspi = "1".equals(raw.get("TARGET_RASPI"));
        arch.filter(a -> raspi && !a.isRaspberryPiCapable()).ifPresent(a -> problems.add(
                "TARGET_RASPI=1 needs TARGET_ARCH=arm64 or armhf, but TARGET_ARCH=" + a.debianName()
                        + ": set TARGET_RASPI=0 for a PC image, or pick a Raspberry Pi architecture"));
        Optional<Release> release = release();
        if (arch.filter(a -> a == Arch.I386).isPresent() && release.filter(r -> !r.hasI386Kernel()).isPresent()) {
            problems.add("TARGET_ARCH=i386 with RELEASE=" + release.get().codename() + ": Debian " + release.get().version()
                    + " ships no i386 kernel and no installer, so it cannot boot an i386 image; build i386 images with "
                    + "RELEASE=bookworm (Debian 12), or pick TARGET_ARCH=amd64");
        }
        bootFsType(raspi);
        userName();
        liveUser();
        squashfsCompression();
        long qcow2Size = size("BASE_QCOW2_SIZE");
        long overlaySize = size("ROOTFS_RO_OVERLAY_TMPFS_SIZE");
        if ("1".equals(raw.get("ROOTFS_RO")) && overlaySize > 0 && overlaySize < MIN_OVERLAY_SIZE) {
            problems.add("ROOTFS_RO_OVERLAY_TMPFS_SIZE='" + raw.getOrEmpty("ROOTFS_RO_OVERLAY_TMPFS_SIZE") + "' is too "
                    + "small for the writable layer of /etc, /home, /var, /srv and /root: give at least 32M (default 128M)");
        }
        mirror("BUILD_MIRROR");
        mirror("APT_MIRROR");
        Compression compression = compression();
        int compressionLevel = compressionLevel();
        sourceDateEpoch();
        defaultPasswordOverSsh();
        packageCache();
        stageStore();
        packageLock();
        new ValueChecks(raw, problems).all();
        List<Path> dirs = List.of(path("BASE_DIR"), path("WORK_DIR"), path("DEPLOY_DIR"));
        new DirectoryChecks(problems).check(dirs.get(0), dirs.get(1), dirs.get(2), raw.getOrEmpty("PACKAGE_CACHE_DIR"),
                raw.getOrEmpty("STAGE_STORE_DIR"));
        List<String> stageList = words("STAGE_LIST");
        stageList.stream().filter(s -> s.contains("\"") || s.contains("'")).findFirst().ifPresent(s -> problems.add(
                "STAGE_LIST holds a quote character (" + s + "): write STAGE_LIST=\"stage0 stage1 mystage\""));
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return new BuildConfig(new BuildConfig.Target(arch.orElseThrow(), raspi, release.orElseThrow()),
                new BuildConfig.Output(imgName, raw.get("IMG_DATE"), compression, compressionLevel),
                new BuildConfig.Directories(dirs.get(0), dirs.get(1), dirs.get(2)),
                new BuildConfig.StageSelection(stageList, new LinkedHashSet<>(words("SKIP_STAGE_LIST")),
                        new LinkedHashSet<>(words("SKIP_IMAGES_LIST")), "1".equals(raw.get("CONTINUE"))),
                qcow2Size, "1".equals(raw.get("INSTALL_RECOMMENDS")), raw.values());
    }

    private String required(String name, String advice) {
        String value = raw.getOrEmpty(name);
        if (value.isBlank()) {
            problems.add(name + " is not set: " + advice);
        }
        return value;
    }

    private void fileNamePart(String name, String value) {
        if (!value.isEmpty() && !FILE_NAME_PART.matcher(value).matches()) {
            problems.add(name + "='" + value + "' becomes part of file names and may hold only letters, digits and . _ + -"
                    + ": for example " + name + "=" + value.replaceAll("[^A-Za-z0-9._+-]", "-"));
        }
    }

    private void flag(String name) {
        String value = raw.getOrEmpty(name);
        if (!value.isEmpty() && !"0".equals(value) && !"1".equals(value)) {
            problems.add(name + "='" + value + "' is not a switch: write " + name + "=1 to turn it on or " + name + "=0 to turn it off");
        }
    }

    private Optional<Arch> arch() {
        String value = raw.getOrEmpty("TARGET_ARCH");
        Optional<Arch> arch = Arch.fromDebianName(value);
        if (arch.isEmpty()) {
            problems.add("TARGET_ARCH='" + value + "' is not supported: write one of "
                    + String.join(", ", Arrays.stream(Arch.values()).map(Arch::debianName).toList()));
        }
        return arch;
    }

    private Optional<Release> release() {
        String value = raw.getOrEmpty("RELEASE");
        Optional<Release> release = Release.fromCodename(value);
        if (release.isEmpty()) {
            problems.add("RELEASE='" + value + "' is not a Debian release Strata builds: write one of " + Release.known()
                    + "; another release needs its archive key in the host's keyring (a newer debian-archive-keyring) and "
                    + "a Strata that knows it");
        }
        return release;
    }

    private void bootFsType(boolean raspi) {
        String value = raw.getOrEmpty("BOOT_FSTYPE");
        if (!BOOT_FSTYPES.contains(value)) {
            problems.add("BOOT_FSTYPE='" + value + "' is not supported: write one of vfat, ext2, ext4");
        } else if (raspi && !"vfat".equals(value)) {
            problems.add("BOOT_FSTYPE=" + value + " cannot boot a Raspberry Pi, whose firmware reads only FAT: "
                    + "write BOOT_FSTYPE=vfat (or TARGET_RASPI=0 for a PC image)");
        }
    }

    private void userName() {
        String value = raw.getOrEmpty("FIRST_USER_NAME");
        if (!USER_NAME.matcher(value).matches()) {
            problems.add("FIRST_USER_NAME='" + value + "' is not a valid user name: use lower-case letters, digits, "
                    + "_ and -, starting with a letter, at most 32 characters (for example FIRST_USER_NAME=pi)");
        }
    }

    /** LIVE_USER is NAME/PASSWORD, as vmdebootstrap's --user takes it. */
    private void liveUser() {
        String value = raw.getOrEmpty("LIVE_USER");
        int slash = value.indexOf('/');
        if (slash < 0 || !USER_NAME.matcher(value.substring(0, slash)).matches() || slash == value.length() - 1) {
            problems.add("LIVE_USER is not NAME/PASSWORD with a valid user name and a password: write for example "
                    + "LIVE_USER=user/live (the live image's login)");
        }
    }

    private void squashfsCompression() {
        String value = raw.getOrEmpty("LIVE_SQUASHFS_COMPRESSION");
        if (!Variables.SQUASHFS_COMPRESSORS.contains(value)) {
            problems.add("LIVE_SQUASHFS_COMPRESSION='" + value + "' is not a squashfs compressor: write one of "
                    + String.join(", ", Variables.SQUASHFS_COMPRESSORS));
        }
    }

    private long size(String name) {
        String value = raw.getOrEmpty(name);
        OptionalLong bytes = Sizes.parse(value);
        if (bytes.isEmpty()) {
            problems.add(name + "='" + value + "' is not a size: write a number with K, M or G (multiples of 1024), "
                    + "for example " + name + "=15200M");
            return 0;
        }
        if ("BASE_QCOW2_SIZE".equals(name) && bytes.getAsLong() < MIN_QCOW2_SIZE) {
            problems.add("BASE_QCOW2_SIZE='" + value + "' is too small for a root filesystem: give at least 256M "
                    + "(the default is 15200M; qcow2 only takes the space it uses)");
        }
        return bytes.getAsLong();
    }

    private void mirror(String name) {
        String value = raw.getOrEmpty(name);
        if (!MIRROR_URL.matcher(value).matches()) {
            problems.add(name + "='" + value + "' is not a mirror URL: write for example " + name
                    + "=http://deb.debian.org/debian");
        }
    }

    /** DEPLOY_COMPRESSION when set; otherwise pi-gen's DEPLOY_ZIP (1: zip, 0: the bare image). */
    private Compression compression() {
        String value = raw.getOrEmpty("DEPLOY_COMPRESSION");
        if (value.isEmpty()) {
            return "0".equals(raw.get("DEPLOY_ZIP")) ? Compression.NONE : Compression.ZIP;
        }
        Optional<Compression> compression = Compression.fromConfigName(value);
        if (compression.isEmpty()) {
            problems.add("DEPLOY_COMPRESSION='" + value + "' is not supported: write one of none, zip, gz, xz, zstd");
        }
        return compression.orElse(Compression.NONE);
    }

    private void sourceDateEpoch() {
        String value = raw.getOrEmpty("SOURCE_DATE_EPOCH");
        if (!value.isEmpty() && !value.matches("[0-9]{1,12}")) {
            problems.add("SOURCE_DATE_EPOCH='" + value + "' is not a time: write whole seconds since 1970-01-01 UTC "
                    + "(for example SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)), or leave it unset for midnight of IMG_DATE");
        }
    }

    private int compressionLevel() {
        String value = raw.getOrEmpty("COMPRESSION_LEVEL");
        if (!value.matches("[0-9]")) {
            problems.add("COMPRESSION_LEVEL='" + value + "' is not a level: write a digit from 0 (fastest) to 9 "
                    + "(smallest); the default is 6");
            return 6;
        }
        return Integer.parseInt(value);
    }

    private void defaultPasswordOverSsh() {
        boolean ssh = "1".equals(raw.get("ENABLE_SSH"));
        boolean defaultPass = Variables.named("FIRST_USER_PASS").orElseThrow().defaultValue()
                .equals(raw.get("FIRST_USER_PASS"));
        boolean keyOnly = "1".equals(raw.get("PUBKEY_ONLY_SSH")) && !raw.getOrEmpty("PUBKEY_SSH_FIRST_USER").isEmpty();
        if (ssh && defaultPass && !keyOnly && !"1".equals(raw.get("ALLOW_DEFAULT_PASSWORD"))) {
            problems.add("ENABLE_SSH=1 with the default FIRST_USER_PASS puts the image at high risk of attackers taking "
                    + "it over: set FIRST_USER_PASS to your own password, or PUBKEY_SSH_FIRST_USER with PUBKEY_ONLY_SSH=1 "
                    + "(or ALLOW_DEFAULT_PASSWORD=1 if you really mean it)");
        }
    }

    /** PACKAGE_CACHE_DIR: an absolute directory without spaces, or empty for no shared cache. */
    private void packageCache() {
        String value = raw.getOrEmpty("PACKAGE_CACHE_DIR");
        if (!value.isEmpty() && (!value.startsWith("/") || value.chars().anyMatch(Character::isWhitespace))) {
            problems.add("PACKAGE_CACHE_DIR='" + value + "' is not an absolute path without spaces: write a directory "
                    + "such as /var/cache/strata/packages, or PACKAGE_CACHE_DIR= for no shared package cache");
        }
    }

    /**
     * PACKAGE_LOCK: a readable file, used with the package cache (where its packages are kept); OFFLINE=1
     * needs it (the lock says which packages to build from) and no registry (that is the network too).
     */
    private void packageLock() {
        String lock = raw.getOrEmpty("PACKAGE_LOCK");
        boolean offline = "1".equals(raw.get("OFFLINE"));
        if (!lock.isEmpty()) {
            Path file = Path.of(lock);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problems.add("PACKAGE_LOCK=" + ValueChecks.quoted(lock) + " is not a readable file: name the .lock file "
                        + "an earlier build wrote beside its image, for example PACKAGE_LOCK=deploy/image_2026-12-07-strata-lite.lock");
            }
            if (!SAFE_PATH.matcher(raw.getOrEmpty("PACKAGE_CACHE_DIR")).matches()) {
                problems.add("PACKAGE_LOCK builds from the package cache: set PACKAGE_CACHE_DIR to an absolute path of "
                        + "letters, digits and . _ + - / (default /var/cache/strata/packages)");
            }
        } else if (offline) {
            problems.add("OFFLINE=1 builds exactly the packages of a lock, from the package cache: set PACKAGE_LOCK to "
                    + "the .lock file an earlier build wrote beside its image");
        }
        if (offline && !raw.getOrEmpty("STAGE_STORE_URL").isEmpty()) {
            problems.add("OFFLINE=1 builds with no network, but STAGE_STORE_URL names a registry: unset STAGE_STORE_URL "
                    + "(the local stage store STAGE_STORE_DIR still serves)");
        }
    }

    /** STAGE_STORE_DIR: an absolute directory without spaces, or empty for no stage store. */
    private void stageStore() {
        String value = raw.getOrEmpty("STAGE_STORE_DIR");
        if (!value.isEmpty() && (!value.startsWith("/") || value.chars().anyMatch(Character::isWhitespace))) {
            problems.add("STAGE_STORE_DIR='" + value + "' is not an absolute path without spaces: write a directory "
                    + "such as /var/cache/strata/stages, or STAGE_STORE_DIR= for no stage store");
        }
        String url = raw.getOrEmpty("STAGE_STORE_URL");
        if (!url.isEmpty() && RegistryLocation.parse(url).isEmpty()) {
            problems.add("STAGE_STORE_URL=" + ValueChecks.quoted(url) + " is not a registry repository: write "
                    + "oci://HOST[:PORT]/REPOSITORY, for example STAGE_STORE_URL=oci://registry.example.org/strata/stages "
                    + "(the login comes from docker login or podman login, never from the config)");
        } else if (!url.isEmpty() && value.isEmpty()) {
            problems.add("STAGE_STORE_URL needs the local stage store: set STAGE_STORE_DIR (default /var/cache/strata/stages)");
        }
    }

    private Path path(String name) {
        String value = raw.getOrEmpty(name);
        if (value.isEmpty()) {
            problems.add(name + " is empty: leave it unset for the default, or give a directory");
            return Path.of(".");
        }
        if (value.chars().anyMatch(Character::isWhitespace)) {
            problems.add(name + "='" + value + "' contains white space, which the build tools do not handle: "
                    + "choose a path without spaces");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    private List<String> words(String name) {
        String value = raw.getOrEmpty(name).trim();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }
}
