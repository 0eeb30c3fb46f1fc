package io.strata.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.strata.config.BadInputException;
import io.strata.config.BuildConfig;

/**
 * Works out which stages run, and what each of their substages does, from the stage directories and
 * the config, following pi-gen's rules. It only reads the stage trees; it never writes or runs anything.
 */
public final class Planner {

    private static final Pattern SUBSTAGE = Pattern.compile("\\d\\d-.+");
    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9._+@-]+");

    private final BuildConfig config;
    private final Path workingDir;
    private final List<String> problems = new ArrayList<>();

    public Planner(BuildConfig config, Path workingDir) {
        this.config = config;
        this.workingDir = workingDir;
    }

    public static Path stagesRoot(BuildConfig config) {
        return config.baseDir().resolve("stages");
    }

    public BuildPlan plan() throws BadInputException {
        List<Path> stageDirs = config.stageList().isEmpty() ? defaultStages() : listedStages();
        Map<String, Path> byName = new HashMap<>();
        List<Stage> stages = new ArrayList<>();
        for (Path dir : stageDirs) {
            String name = dir.getFileName().toString();
            Path earlier = byName.putIfAbsent(name, dir);
            if (earlier != null) {
                problems.add("STAGE_LIST names two stages called " + name + " (" + earlier + " and " + dir
                        + "): stage images are named after the directory, so rename one of them");
                continue;
            }
            stages.add(stage(name, dir));
        }
        checkNamedBases(stages);
        if (stages.isEmpty() && problems.isEmpty()) {
            problems.add("no stages to build: " + stagesRoot(config) + " holds no stage* directory and STAGE_LIST is empty");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        return new BuildPlan(stages);
    }

    /** A PREV_STAGE file must name a stage that this build holds, earlier in its list. */
    private void checkNamedBases(List<Stage> stages) {
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            if (stage.namedBase().isEmpty()) {
                continue;
            }
            String base = stage.namedBase().get();
            List<String> earlier = stages.subList(0, i).stream().map(Stage::name).toList();
            if (!earlier.contains(base)) {
                boolean later = stages.subList(i, stages.size()).stream().anyMatch(s -> s.name().equals(base));
                problems.add("stage " + stage.name() + " builds on " + base + " (its " + Stage.BASE_FILE + " file), which "
                        + (later ? "comes after it in the stage list: list " + base + " before " + stage.name()
                                : "this build does not hold: add " + base + " to STAGE_LIST before " + stage.name())
                        + ", or remove " + stage.dir().resolve(Stage.BASE_FILE));
            }
        }
    }

    private List<Path> defaultStages() {
        Path root = stagesRoot(config);
        if (!Files.isDirectory(root)) {
            problems.add("the stages directory " + root + " does not exist: set BASE_DIR to Strata's directory, "
                    + "or list your stages in STAGE_LIST");
            return List.of();
        }
        return childDirectories(root).stream().filter(d -> d.getFileName().toString().startsWith("stage")).toList();
    }

    private List<Path> listedStages() {
        List<Path> dirs = new ArrayList<>();
        for (String entry : config.stageList()) {
            resolveStage(entry).ifPresentOrElse(dirs::add, () -> problems.add("STAGE_LIST entry '" + entry
                    + "' is not a stage directory (looked in " + stagesRoot(config) + ", " + workingDir + " and "
                    + config.baseDir() + "): give a stage name under stages/, or a relative or absolute path to one"));
        }
        return dirs;
    }

    private Optional<Path> resolveStage(String entry) {
        Path given = Path.of(entry);
        List<Path> candidates = given.isAbsolute()
                ? List.of(given)
                : List.of(stagesRoot(config).resolve(given), workingDir.resolve(given), config.baseDir().resolve(given));
        // The root directory has no name and can be no stage (a stage's name keys its image).
        return candidates.stream().filter(Files::isDirectory).findFirst().map(p -> p.toAbsolutePath().normalize())
                .filter(p -> p.getFileName() != null);
    }

    private Stage stage(String name, Path dir) {
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            problems.add("stage directory " + dir + " cannot be read: check its permissions (chmod a+rx)");
            return new Stage(name, dir, Optional.of("unreadable"), Optional.empty(), List.of(), Optional.empty(),
                    Optional.empty(), List.of(), Optional.empty());
        }
        List<String> notes = new ArrayList<>();
        Optional<String> skipped = Optional.empty();
        if (config.skipStages().contains(name)) {
            skipped = Optional.of("listed in SKIP_STAGE_LIST");
        } else if (Files.exists(dir.resolve("SKIP"))) {
            skipped = Optional.of("the stage holds a SKIP file");
        }
        Optional<Path> prerun = executable(dir.resolve("prerun.sh"), notes);
        List<SubStage> subStages = new ArrayList<>();
        for (Path sub : childDirectories(dir)) {
            String subName = sub.getFileName().toString();
            if (SUBSTAGE.matcher(subName).matches()) {
                subStages.add(subStage(subName, sub));
            } else {
                problems.add("stage " + name + ": directory " + sub + " is not a substage, whose name starts with two "
                        + "digits and a dash: rename it (for example 00-" + subName + ") or move it into a substage");
            }
        }
        return new Stage(name, dir, skipped, prerun, subStages, export(name, dir, "EXPORT_IMAGE", "EXPORT_NOOBS"),
                export(name, dir, "EXPORT_LIVE"), notes, namedBase(name, dir));
    }

    /** The stage name in a PREV_STAGE file: one word, comments (#) and blank lines aside. */
    private Optional<String> namedBase(String name, Path dir) {
        Path file = dir.resolve(Stage.BASE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> words;
        try {
            words = Files.readAllLines(file).stream().map(l -> l.replaceFirst("#.*", "").strip())
                    .filter(l -> !l.isEmpty()).flatMap(l -> Stream.of(l.split("\\s+"))).toList();
        } catch (IOException e) {
            problems.add("cannot read " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        if (words.size() != 1 || !STAGE_NAME.matcher(words.get(0)).matches() || words.get(0).equals(name)) {
            problems.add(file + " must hold the name of one other stage directory (such as stage2), found: "
                    + (words.isEmpty() ? "nothing" : String.join(" ", words)));
            return Optional.empty();
        }
        return Optional.of(words.get(0));
    }

    private Optional<ExportRequest> export(String name, Path dir, String... markers) {
        Path file = Stream.of(markers).map(dir::resolve).filter(Files::isRegularFile)
                .findFirst().orElse(null);
        if (file == null) {
            return Optional.empty();
        }
        Optional<String> skipped = Optional.empty();
        if (config.skipImages().contains(name)) {
            skipped = Optional.of("listed in SKIP_IMAGES_LIST");
        } else if (Files.exists(dir.resolve("SKIP_IMAGES"))) {
            skipped = Optional.of("the stage holds a SKIP_IMAGES file");
        }
        return Optional.of(new ExportRequest(file, skipped));
    }

    private SubStage subStage(String name, Path dir) {
        boolean skipped = Files.exists(dir.resolve("SKIP"));
        List<Step> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i <= 99; i++) {
            String nn = String.format("%02d", i);
            file(dir, nn + "-debconf").map(Step.Debconf::new).ifPresent(steps::add);
            String sys = config.targetRaspi() ? "-packages-sys-raspi" : "-packages-sys-debian";
            releaseVariant(dir, nn + sys).map(f -> packages(f, config.installRecommends())).ifPresent(steps::add);
            releaseVariant(dir, nn + "-packages-nr").map(f -> packages(f, false)).ifPresent(steps::add);
            releaseVariant(dir, nn + "-packages").map(f -> packages(f, config.installRecommends())).ifPresent(steps::add);
            Path debs = dir.resolve(nn + "-debs");
            if (Files.isDirectory(debs)) {
                debs(debs, notes).ifPresent(steps::add);
            }
            Path patches = dir.resolve(nn + "-patches");
            if (Files.isDirectory(patches)) {
                steps.add(new Step.ApplyPatches(patches));
            }
            executable(dir.resolve(nn + "-run.sh"), notes).map(Step.RunHostScript::new).ifPresent(steps::add);
            file(dir, nn + "-run-chroot.sh").map(Step.RunChrootScript::new).ifPresent(steps::add);
        }
        return new SubStage(name, dir, skipped, steps, notes);
    }

    private Step.InstallPackages packages(Path file, boolean recommends) {
        problems.addAll(PackageList.problems(file));
        return new Step.InstallPackages(file, recommends);
    }

    /** {@code nn-debs/}: Debian packages only; an empty one is passed over, and said so. */
    private Optional<Step> debs(Path dir, List<String> notes) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.sorted().toList();
            for (Path file : all) {
                if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".deb")) {
                    problems.add(file + " is not a .deb file: " + dir.getFileName() + "/ holds only Debian packages to "
                            + "install; move it elsewhere (files for a script go in files/)");
                }
            }
            if (all.isEmpty()) {
                notes.add(dir.getFileName() + "/ holds no .deb files and is skipped");
                return Optional.empty();
            }
            return Optional.of(new Step.InstallDebs(dir));
        } catch (IOException e) {
            problems.add("cannot list " + dir + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code nn-packages-bookworm} replaces {@code nn-packages} when RELEASE=bookworm. */
    private Optional<Path> releaseVariant(Path dir, String base) {
        return file(dir, base + "-" + config.release().codename()).or(() -> file(dir, base));
    }

    private static Optional<Path> file(Path dir, String name) {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** pi-gen runs host scripts only when they are executable; one that is not is passed over, and said so. */
    private static Optional<Path> executable(Path script, List<String> notes) {
        if (!Files.isRegularFile(script)) {
            return Optional.empty();
        }
        if (!Files.isExecutable(script)) {
            notes.add(script.getFileName() + " is not executable and is skipped, as pi-gen does (chmod +x to run it)");
            return Optional.empty();
        }
        return Optional.of(script);
    }

    private List<Path> childDirectories(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            problems.add("cannot list " + dir + ": " + e.getMessage());
            return List.of();
        }
    }
}
