package io.strata.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Strata's command line: {@code build} (the ./build launcher) and, later, {@code imagetool}. */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataMain.Version.class,
        description = "A staged OS-image builder modelled on pi-gen.",
        subcommands = {BuildCommand.class, ImagetoolCommand.class})
public final class StrataMain {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new StrataMain());
        commandLine.setExecutionExceptionHandler(new ShortErrorHandler());
        commandLine.setExitCodeExceptionMapper(e -> ExitCodes.FAILED);
        return commandLine;
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Strata " + version()};
        }
    }

    /** The jar's Implementation-Version, or "development" when run from classes. */
    static String version() {
        String version = StrataMain.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
