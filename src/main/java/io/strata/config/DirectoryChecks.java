package io.strata.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directories a build writes into, deletes in or releases below: WORK_DIR, DEPLOY_DIR and
 * PACKAGE_CACHE_DIR and STAGE_STORE_DIR. None may be the root or a system directory, none may lie inside another, and
 * the work dir may not hold Strata itself. Pure.
 */
final class DirectoryChecks {

    private static final Set<Path> SYSTEM = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32",
            "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
            "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/usr/share", "/usr/src", "/var", "/var/cache",
            "/var/lib", "/var/log", "/var/tmp", "/var/mail", "/var/spool", "/var/backups")
            .stream().map(Path::of).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** What every tool the build hands a path to takes without quoting trouble. */
    private static final java.util.regex.Pattern SAFE_PATH = java.util.regex.Pattern.compile("[A-Za-z0-9._+/@=,:~-]+");

    private final List<String> problems;

    DirectoryChecks(List<String> problems) {
        this.problems = problems;
    }

    void check(Path baseDir, Path workDir, Path deployDir, String packageCache, String stageStore) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        dirs.put("WORK_DIR", workDir);
        dirs.put("DEPLOY_DIR", deployDir);
        if (!packageCache.isEmpty() && packageCache.startsWith("/")) {
            dirs.put("PACKAGE_CACHE_DIR", Path.of(packageCache).normalize());
        }
        if (!stageStore.isEmpty() && stageStore.startsWith("/")) {
            dirs.put("STAGE_STORE_DIR", Path.of(stageStore).normalize());
        }
        dirs.put("BASE_DIR", baseDir);
        dirs.forEach((name, dir) -> {
            // White space is reported on its own by the validator.
            boolean spaces = dir.toString().chars().anyMatch(Character::isWhitespace);
            if (!spaces && !SAFE_PATH.matcher(dir.toString()).matches()) {
                problems.add(name + "=" + dir + " holds characters that the build's tools (mkfs, quilt, mount, shell "
                        + "hooks) cannot all take as they are: choose a path of letters, digits and . _ + - / only");
            }
            if (SYSTEM.contains(dir) && !"BASE_DIR".equals(name)) {
                problems.add(name + "=" + dir + " is the root or a system directory, which a build would write into and "
                        + "clean up below: give a directory of its own, for example " + name + "=" + example(name));
            }
        });
        dirs.remove("BASE_DIR");
        List<String> names = List.copyOf(dirs.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = 0; j < names.size(); j++) {
                Path inner = dirs.get(names.get(i));
                Path outer = dirs.get(names.get(j));
                if (i != j && inner.startsWith(outer) && (i > j || !inner.equals(outer))) {
                    problems.add(names.get(i) + "=" + inner + (inner.equals(outer) ? " is the same directory as " : " lies inside ")
                            + names.get(j) + "=" + outer + ": give each its own directory, side by side");
                }
            }
        }
        if (baseDir.startsWith(workDir)) {
            problems.add("WORK_DIR=" + workDir + " holds Strata itself (BASE_DIR=" + baseDir + "): give a directory below "
                    + "it, such as the default BASE_DIR/work/IMG_NAME");
        }
    }

    private static String example(String name) {
        return switch (name) {
            case "WORK_DIR" -> "/srv/strata/work";
            case "DEPLOY_DIR" -> "/srv/strata/deploy";
            case "STAGE_STORE_DIR" -> "/var/cache/strata/stages";
            default -> "/var/cache/strata/packages";
        };
    }
}
