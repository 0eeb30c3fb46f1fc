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
            Variable.of("IMG_NAME", null),
            Variable.of("IMG_DATE", null),
            Variable.of("TARGET_RASPI", "1"),
            Variable.of("TARGET_ARCH", "arm64"),
            Variable.of("RELEASE", "bookworm"),
            Variable.of("PREFER_RASPI_SOURCE", null),
            Variable.of("INSTALL_RECOMMENDS", null),
            Variable.of("ROOTFS_RO", null),
            Variable.of("ROOTFS_RO_OVERLAY_TMPFS_SIZE", "128M"),
            Variable.of("BOOT_FSTYPE", "vfat"),
            Variable.of("BOOT_FSOPTIONS", DEFAULT_BOOT_FSOPTIONS),
            Variable.of("REDUCED_FOOTPRINT", null),
            Variable.of("BASE_QCOW2_SIZE", "15200M"),
            Variable.of("APT_PROXY", null),
            Variable.of("BASE_DIR", null),
            Variable.of("WORK_DIR", null),
            Variable.of("DEPLOY_DIR", null),
            Variable.of("DEPLOY_ZIP", "1"),
            Variable.of("DEPLOY_COMPRESSION", null),
            Variable.of("COMPRESSION_LEVEL", "6"),
            Variable.of("BUILD_MIRROR", "http://deb.debian.org/debian"),
            Variable.of("APT_MIRROR", "http://deb.debian.org/debian"),
            Variable.of("USE_QEMU", "0"),
            Variable.of("LOCALE_DEFAULT", "en_US.UTF-8"),
            Variable.of("TARGET_HOSTNAME", "raspberrypi"),
            Variable.of("KEYBOARD_KEYMAP", "us"),
            Variable.of("KEYBOARD_LAYOUT", "English (US)"),
            Variable.of("TIMEZONE_DEFAULT", "Europe/Berlin"),
            Variable.of("FIRST_USER_NAME", "pi"),
            Variable.secret("FIRST_USER_PASS", "raspberry"),
            Variable.of("WPA_ESSID", null),
            Variable.secret("WPA_PASSWORD", null),
            Variable.of("WPA_COUNTRY", null),
            Variable.of("ENABLE_SSH", "0"),
            Variable.of("PUBKEY_SSH_FIRST_USER", null),
            Variable.of("PUBKEY2_SSH_FIRST_USER", null),
            Variable.of("PUBKEY_ONLY_SSH", "0"),
            Variable.of("STAGE_LIST", null),
            Variable.of("SKIP_STAGE_LIST", ""),
            Variable.of("SKIP_IMAGES_LIST", ""),
            Variable.of("CONTINUE", "0"),
            Variable.of("CLEAN", "0"),
            Variable.of("PACKAGE_CACHE_DIR", "/var/cache/strata/packages"),
            Variable.of("ALLOW_DEFAULT_PASSWORD", "0"),
            Variable.of("BOOT_TEST", "0"),
            Variable.secret("LIVE_USER", "user/live"),
            Variable.of("LIVE_SQUASHFS_COMPRESSION", "zstd"));

    /** The squashfs compressors mksquashfs offers for LIVE_SQUASHFS_COMPRESSION. */
    public static final List<String> SQUASHFS_COMPRESSORS = List.of("zstd", "xz", "gzip", "lz4", "lzo");

    /** Debian live's well-known default login: its password is no secret, so it is not masked in logs. */
    public static final String DEFAULT_LIVE_USER = "user/live";

    /** Variables that hold 0 or 1 (or nothing). */
    public static final List<String> FLAGS = List.of("TARGET_RASPI", "PREFER_RASPI_SOURCE", "INSTALL_RECOMMENDS",
            "ROOTFS_RO", "REDUCED_FOOTPRINT", "DEPLOY_ZIP", "USE_QEMU", "ENABLE_SSH", "PUBKEY_ONLY_SSH", "CONTINUE", "CLEAN",
            "ALLOW_DEFAULT_PASSWORD", "BOOT_TEST");

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
