package io.strata.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

/**
 * A validated build configuration: the typed values the builder itself acts on, grouped (the target,
 * the output's names, the directories, the stage selection), and every variable (Strata's and the
 * user's own) as stage scripts see it. The grouped values are also read through the accessors below.
 */
public record BuildConfig(
        Target target,
        Output output,
        Directories directories,
        StageSelection stages,
        long baseQcow2Size,
        boolean installRecommends,
        Map<String, String> variables) {

    /** TARGET_ARCH, TARGET_RASPI and RELEASE. */
    public record Target(Arch arch, boolean raspi, Release release) {
    }

    /** What the deployed files are called and how they are packed: IMG_NAME, IMG_DATE, DEPLOY_COMPRESSION, COMPRESSION_LEVEL. */
    public record Output(String imgName, String imgDate, Compression compression, int compressionLevel) {
    }

    /** BASE_DIR (the stages' checkout), WORK_DIR and DEPLOY_DIR. */
    public record Directories(Path baseDir, Path workDir, Path deployDir) {
    }

    /** STAGE_LIST (empty: every stage directory), SKIP_STAGE_LIST, SKIP_IMAGES_LIST and CONTINUE. */
    public record StageSelection(List<String> stageList, Set<String> skipStages, Set<String> skipImages,
            boolean continueBuild) {

        public StageSelection {
            stageList = List.copyOf(stageList);
            skipStages = Set.copyOf(skipStages);
            skipImages = Set.copyOf(skipImages);
        }
    }

    public BuildConfig {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    public String imgName() {
        return output.imgName();
    }

    public String imgDate() {
        return output.imgDate();
    }

    public Compression compression() {
        return output.compression();
    }

    public int compressionLevel() {
        return output.compressionLevel();
    }

    public Arch targetArch() {
        return target.arch();
    }

    public boolean targetRaspi() {
        return target.raspi();
    }

    public Release release() {
        return target.release();
    }

    public Path baseDir() {
        return directories.baseDir();
    }

    public Path workDir() {
        return directories.workDir();
    }

    public Path deployDir() {
        return directories.deployDir();
    }

    public List<String> stageList() {
        return stages.stageList();
    }

    public Set<String> skipStages() {
        return stages.skipStages();
    }

    public Set<String> skipImages() {
        return stages.skipImages();
    }

    public boolean continueBuild() {
        return stages.continueBuild();
    }

    public String variable(String name) {
        String value = variables.get(name);
        return value == null ? "" : value;
    }

    private boolean flag(String name) {
        return "1".equals(variable(name));
    }

    /**
     * SOURCE_DATE_EPOCH: the one time Strata writes into what it deploys (validated: whole seconds; the
     * loader sets it to midnight of IMG_DATE when the config does not).
     */
    public java.time.Instant sourceDate() {
        String value = variable("SOURCE_DATE_EPOCH");
        return java.time.Instant.ofEpochSecond(value.isEmpty() ? ConfigLoader.midnightOf(imgDate()) : Long.parseLong(value));
    }

    /** CLEAN=1: every stage is built again, whatever was kept. */
    public boolean clean() {
        return flag("CLEAN");
    }

    /** USE_QEMU=1: an image for QEMU's virt machine rather than a Raspberry Pi. */
    public boolean useQemu() {
        return flag("USE_QEMU");
    }

    /** BOOT_TEST=1: every export is boot-checked. */
    public boolean bootTest() {
        return flag("BOOT_TEST");
    }

    /** ENABLE_CLOUD_INIT=1: cloud-init with a NoCloud seed on the boot partition. */
    public boolean cloudInit() {
        return flag("ENABLE_CLOUD_INIT");
    }

    public SshSettings ssh() {
        return new SshSettings(flag("ENABLE_SSH"), variable("PUBKEY_SSH_FIRST_USER"), flag("PUBKEY_ONLY_SSH"));
    }

    public ReadOnlyRoot readOnlyRoot() {
        String size = variable("ROOTFS_RO_OVERLAY_TMPFS_SIZE");
        return new ReadOnlyRoot(flag("ROOTFS_RO"), size, Sizes.parse(size).orElse(0L));
    }

    public String firstUserName() {
        return variable("FIRST_USER_NAME");
    }

    public String firstUserPassword() {
        return variable("FIRST_USER_PASS");
    }

    /** LIVE_USER as written: {@code name/password}. */
    public String liveUser() {
        return variable("LIVE_USER");
    }

    public String hostname() {
        return variable("TARGET_HOSTNAME");
    }

    public String locale() {
        return variable("LOCALE_DEFAULT");
    }

    public String timezone() {
        return variable("TIMEZONE_DEFAULT");
    }

    /** BOOT_FSTYPE: vfat, ext2 or ext4. */
    public String bootFsType() {
        return variable("BOOT_FSTYPE");
    }

    /** TEMP_REPO as written (an apt source line, empty for none). */
    public String tempRepo() {
        return variable("TEMP_REPO");
    }

    /** LIVE_SQUASHFS_COMPRESSION: mksquashfs's compressor. */
    public String squashfsCompression() {
        return variable("LIVE_SQUASHFS_COMPRESSION");
    }

    /** STAGE_STORE_DIR as written (empty: no stage store). */
    public String stageStoreDir() {
        return variable("STAGE_STORE_DIR");
    }

    /** STAGE_STORE_URL as written (empty: no remote store). */
    public String stageStoreUrl() {
        return variable("STAGE_STORE_URL");
    }

    /** PACKAGE_LOCK as an absolute path, unless it is empty (apt chooses the versions). */
    public Optional<Path> packageLock() {
        String value = variable("PACKAGE_LOCK");
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value).toAbsolutePath().normalize());
    }

    /** APT_PROXY (checked to be an http URL), unless it is empty. */
    public Optional<java.net.URI> aptProxy() {
        String value = variable("APT_PROXY");
        return value.isEmpty() ? Optional.empty() : Optional.of(java.net.URI.create(value));
    }

    /** OFFLINE=1: the build runs without network, from the package lock's packages in the cache. */
    public boolean offline() {
        return "1".equals(variable("OFFLINE"));
    }

    /** PACKAGE_CACHE_DIR, unless it is empty (no shared package cache). */
    public java.util.Optional<Path> packageCacheDir() {
        String value = variable("PACKAGE_CACHE_DIR");
        return value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(value));
    }

    /** Where the boot partition is mounted in the image: /boot/firmware on a Pi, the EFI system partition on a PC. */
    public String bootDir() {
        return targetRaspi() ? "/boot/firmware" : "/boot/efi";
    }

    /**
     * The values that must never reach a log, an .info file or plaintext in an image; LIVE_USER's
     * password too, unless it is Debian live's public default.
     */
    public List<String> secretValues() {
        List<String> secrets = new ArrayList<>();
        variables.forEach((name, value) -> {
            if (ConfigSecrets.isSecret(name) && value != null && !value.isEmpty() && !"LIVE_USER".equals(name)) {
                secrets.add(value);
            }
            if (value != null) {
                secrets.addAll(ConfigSecrets.urlPasswords(value));
            }
        });
        String live = variable("LIVE_USER");
        if (!live.equals(Variables.DEFAULT_LIVE_USER) && live.indexOf('/') > 0) {
            secrets.add(live.substring(live.indexOf('/') + 1));
        }
        return secrets;
    }
}
