package io.strata.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every variable of pi-gen's config spec with its documented default, and Strata's own. Defaults
 * that depend on other variables (IMG_DATE, WORK_DIR, DEPLOY_DIR) are filled in by {@link ConfigLoader}.
 */
public final class Variables {

    public static final String DEFAULT_BOOT_FSOPTIONS =
            "rw,noatime,fmask=0022,dmask=0022,codepage=437,iocharset=ascii,shortname=mixed,errors=remount-ro";

    public static final List<Variable> ALL = List.of(
            Variable.of("IMG_NAME", null,
                    "name of the image, in its file names: letters, digits, . _ + - (required)"),
            Variable.of("IMG_DATE", null,
                    "date in the image's file names, YYYY-MM-DD (unset: today)"),
            Variable.of("SOURCE_DATE_EPOCH", null,
                    "the time written into .info and .spdx.json files, in seconds since 1970 (unset: midnight UTC "
                    + "of IMG_DATE, or 0 when IMG_DATE is not a date; never the clock)"),
            Variable.of("TARGET_RASPI", "1",
                    "1: a Raspberry Pi image; 0: a PC image"),
            Variable.of("TARGET_ARCH", "arm64",
                    "arm64, armhf, i386 or amd64 (a Raspberry Pi takes arm64 or armhf)"),
            Variable.of("RELEASE", Release.DEFAULT.codename(),
                    "Debian release: trixie (13, the stable release), bookworm (12) or bullseye (11); i386 needs bookworm"),
            Variable.of("PREFER_RASPI_SOURCE", null,
                    "switch (0/1), accepted as in pi-gen; the stock stages use Debian's archive"),
            Variable.of("INSTALL_RECOMMENDS", null,
                    "1: nn-packages files install Recommends (nn-packages-nr never do)"),
            Variable.of("ROOTFS_RO", null,
                    "1: a read-only root with its changes in a tmpfs overlay"),
            Variable.of("ROOTFS_RO_OVERLAY_TMPFS_SIZE", "128M",
                    "size of that tmpfs (at least 32M)"),
            Variable.of("BOOT_FSTYPE", "vfat",
                    "boot partition: vfat, ext2 or ext4 (vfat for a Raspberry Pi)"),
            Variable.of("BOOT_FSOPTIONS", DEFAULT_BOOT_FSOPTIONS,
                    "mount options of the boot partition, comma-separated, no spaces"),
            Variable.of("REDUCED_FOOTPRINT", null,
                    "1: no documentation, manual pages or other languages' translations"),
            Variable.of("BASE_QCOW2_SIZE", "15200M",
                    "virtual size of the first stage image (K, M, G; at least 256M)"),
            Variable.of("APT_PROXY", null,
                    "http://[user:password@]host:port used while building, never left in the image"),
            Variable.of("TEMP_REPO", null,
                    "an extra apt source line used while building, never left in the image (RELEASE: the release)"),
            Variable.of("BASE_DIR", null,
                    "directory holding stages/ and depends (unset: Strata's own)"),
            Variable.of("WORK_DIR", null,
                    "stage images, build log and ledger (unset: $BASE_DIR/work/$IMG_NAME)"),
            Variable.of("DEPLOY_DIR", null,
                    "where exported images go (unset: $BASE_DIR/deploy)"),
            Variable.of("DEPLOY_ZIP", "1",
                    "1: zip the image; 0: the bare .img (DEPLOY_COMPRESSION wins when set)"),
            Variable.of("DEPLOY_COMPRESSION", null,
                    "none, zip, gz, xz or zstd (unset: from DEPLOY_ZIP)"),
            Variable.of("COMPRESSION_LEVEL", "6",
                    "0 (fastest) to 9 (smallest)"),
            Variable.of("BUILD_MIRROR", "http://deb.debian.org/debian",
                    "Debian mirror the build bootstraps and installs from"),
            Variable.of("APT_MIRROR", "http://deb.debian.org/debian",
                    "Debian mirror the installed system's apt uses"),
            Variable.of("USE_QEMU", "0",
                    "1: images that boot in plain QEMU, with the -qemu suffix"),
            Variable.of("LOCALE_DEFAULT", "en_US.UTF-8",
                    "system locale, a glibc locale name"),
            Variable.of("TARGET_HOSTNAME", "raspberrypi",
                    "host name (letters, digits, -, dot-separated labels)"),
            Variable.of("KEYBOARD_KEYMAP", "us",
                    "keyboard: an XKB layout code (gb, de)"),
            Variable.of("KEYBOARD_LAYOUT", "English (US)",
                    "keyboard: the layout's name as keyboard-configuration lists it"),
            Variable.of("TIMEZONE_DEFAULT", "Europe/Berlin",
                    "time zone, a tz database name (Area/Location, UTC)"),
            Variable.of("FIRST_USER_NAME", "pi",
                    "the first user's name"),
            Variable.secret("FIRST_USER_PASS", "raspberry",
                    "the first user's password, secret: stored hashed, never logged"),
            Variable.of("WPA_ESSID", null,
                    "Wi-Fi network name for wlan0 (unset: no Wi-Fi)"),
            Variable.secret("WPA_PASSWORD", null,
                    "Wi-Fi passphrase, 8 to 63 characters, secret"),
            Variable.of("WPA_COUNTRY", null,
                    "Wi-Fi country code (DE, GB, US)"),
            Variable.of("ENABLE_SSH", "0",
                    "1: sshd runs (refused with the default password unless ALLOW_DEFAULT_PASSWORD=1)"),
            Variable.of("PUBKEY_SSH_FIRST_USER", null,
                    "an SSH public key the first user may log in with"),
            Variable.of("PUBKEY2_SSH_FIRST_USER", null,
                    "a second SSH public key"),
            Variable.of("PUBKEY_ONLY_SSH", "0",
                    "1: sshd refuses passwords"),
            Variable.of("ENABLE_CLOUD_INIT", "0",
                    "1: cloud-init reads user-data, meta-data and network-config from the boot partition"),
            Variable.of("STAGE_LIST", null,
                    "stages in order: names under stages/, or paths (unset: every stage* directory)"),
            Variable.of("SKIP_STAGE_LIST", "",
                    "stage names not to run"),
            Variable.of("SKIP_IMAGES_LIST", "",
                    "stage names not to export"),
            Variable.of("CONTINUE", "0",
                    "1: reuse every finished stage up to the first unfinished one, even if it changed"),
            Variable.of("CLEAN", "0",
                    "1: rebuild every stage that runs"),
            Variable.of("PACKAGE_CACHE_DIR", "/var/cache/strata/packages",
                    "downloaded packages and initramfs images kept across builds (empty: no cache)"),
            Variable.of("STAGE_STORE_DIR", "/var/cache/strata/stages",
                    "sealed stages kept under their key for every work dir of this host (empty: no store)"),
            Variable.of("PACKAGE_LOCK", null,
                    "the .lock file of an earlier build: install exactly its packages (from the package cache, "
                    + "else their archive while it has them)"),
            Variable.of("OFFLINE", "0",
                    "1: build from PACKAGE_LOCK's packages in the package cache alone, with no network"),
            Variable.of("STAGE_STORE_URL", null,
                    "oci://host[:port]/repo: a registry that shares the stage store between machines"),
            Variable.of("ALLOW_DEFAULT_PASSWORD", "0",
                    "1: allow ENABLE_SSH=1 with the default password"),
            Variable.of("BOOT_TEST", "0",
                    "1: boot-check every exported image in QEMU; a failed check fails the build"),
            Variable.secret("LIVE_USER", "user/live",
                    "NAME/PASSWORD of the live media's user, secret unless Debian live's default"),
            Variable.of("LIVE_SQUASHFS_COMPRESSION", "zstd",
                    "the live squashfs's compressor: zstd, xz, gzip, lz4 or lzo"));

    /** The squashfs compressors mksquashfs offers for LIVE_SQUASHFS_COMPRESSION. */
    public static final List<String> SQUASHFS_COMPRESSORS = List.of("zstd", "xz", "gzip", "lz4", "lzo");

    /** Debian live's well-known default login: its password is no secret, so it is not masked in logs. */
    public static final String DEFAULT_LIVE_USER = "user/live";

    /** Variables that hold 0 or 1 (or nothing). */
    public static final List<String> FLAGS = List.of("TARGET_RASPI", "PREFER_RASPI_SOURCE", "INSTALL_RECOMMENDS",
            "ROOTFS_RO", "REDUCED_FOOTPRINT", "DEPLOY_ZIP", "USE_QEMU", "ENABLE_SSH", "PUBKEY_ONLY_SSH", "CONTINUE", "CLEAN",
            "ALLOW_DEFAULT_PASSWORD", "BOOT_TEST", "ENABLE_CLOUD_INIT", "OFFLINE");

    private static final Map<String, Variable> BY_NAME = index();

    private Variables() {
    }

    public static Optional<Variable> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name);
    }

    private static Map<String, Variable> index() {
        Map<String, Variable> byName = new LinkedHashMap<>();
        ALL.forEach(v -> byName.put(v.name(), v));
        return byName;
    }
}
