package io.strata.engine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.strata.cache.LockedRepository;
import io.strata.cache.PackageCache;
import io.strata.config.AptSource;
import io.strata.config.BuildConfig;
import io.strata.plan.Stage;

/**
 * The environment pi-gen gives stage scripts: every config variable, the stage's directories
 * (ROOTFS_DIR, STAGE_DIR, STAGE_WORK_DIR, PREV_ROOTFS_DIR, EXPORT_DIR), ARCH, LOG_FILE, SCRIPT_DIR
 * and the helpers' locations.
 */
final class ScriptEnvironment {

    private ScriptEnvironment() {
    }

    static Map<String, String> forStage(BuildConfig config, WorkLayout layout, RunTools tools, Stage stage,
            Optional<String> previousStage) {
        Map<String, String> env = new LinkedHashMap<>(config.variables());
        env.put("WORK_DIR", layout.workDir().toString());
        env.put("ARCH", config.targetArch().debianName());
        env.put("LOG_FILE", layout.log().toString());
        env.put("SCRIPT_DIR", tools.scriptDir().toString());
        env.put("STAGE", stage.name());
        env.put("STAGE_DIR", stage.dir().toString());
        env.put("STAGE_WORK_DIR", layout.stageWorkDir(stage.name()).toString());
        env.put("ROOTFS_DIR", layout.rootfs(stage.name()).toString());
        previousStage.ifPresent(prev -> {
            env.put("PREV_STAGE", prev);
            env.put("PREV_STAGE_DIR", layout.stageWorkDir(prev).toString());
            env.put("PREV_ROOTFS_DIR", layout.rootfs(prev).toString());
        });
        env.put("EXPORT_DIR", layout.exportDir().toString());
        env.put("STRATA_HELPERS", tools.helpers().toString());
        env.put("STRATA_CHROOT_ENTER", tools.chrootEnter().toString());
        config.packageCacheDir().ifPresent(cache -> env.put(PackageCache.CACHE, cache.toString()));
        lockedRepository(config).ifPresent(repo -> env.put(LockedRepository.REPOSITORY, repo.toString()));
        if (config.offline()) {
            env.put("STRATA_OFFLINE", "1"); // chroot-enter.sh and host scripts run in a network namespace of their own
        }
        env.put("STRATA_APT_SOURCES", config.release().usesDeb822Sources() ? "deb822" : "list");
        String tempRepo = config.tempRepo();
        if (!tempRepo.isBlank()) {
            // trixie's own sources are deb822 (.sources); older releases read one-line .list files
            AptSource source = AptSource.parse(tempRepo, config.release().codename());
            boolean deb822 = config.release().usesDeb822Sources();
            env.put("STRATA_TEMP_REPO", deb822 ? source.deb822() : source.oneLine());
            env.put("STRATA_TEMP_REPO_FORMAT", deb822 ? "sources" : "list");
        }
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.put("QUILT_NO_DIFF_INDEX", "1");
        env.put("QUILT_NO_DIFF_TIMESTAMPS", "1");
        env.put("QUILT_REFRESH_ARGS", "-p ab");
        return env;
    }

    /** The locked repository of PACKAGE_LOCK in the package cache (checked and made before the stages run). */
    static Optional<Path> lockedRepository(BuildConfig config) {
        if (config.packageLock().isEmpty() || config.packageCacheDir().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LockedRepository.location(config.packageCacheDir().get(), config.packageLock().get()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("PACKAGE_LOCK " + config.packageLock().get() + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    static Map<String, String> forSubStage(Map<String, String> stageEnv, Path subStageDir) {
        Map<String, String> env = new LinkedHashMap<>(stageEnv);
        env.put("SUB_STAGE_DIR", subStageDir.toString());
        return env;
    }
}
