package org.browsersocket.swarm.tool;

import java.io.PrintWriter;

import org.browsersocket.cli.ExitCodes;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar swarm-manifest.jar}: makes a site's signing key, builds and signs its swarm
 * manifest, and verifies a site directory against it.
 */
@Command(name = SwarmManifestTool.NAME, mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true, sortOptions = false,
        subcommands = {KeygenCommand.class, BuildCommand.class, VerifyCommand.class, ServeCommand.class},
        description = {
            "Builds and signs the manifest of a site's static files, which browsers serving the site to each"
                    + " other check every file against (Ed25519, verified by pages with WebCrypto).",
            "First keygen (once), then build after every change to the site, and verify to check a copy."
        })
public final class SwarmManifestTool {

    /** The command's name, as errors and --version show it. */
    public static final String NAME = "swarm-manifest";

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The whole command line, help laid out as in every BrowserSocket jar, bad flags and user
     * errors reported on one line; set its out and err streams to capture them.
     */
    public static CommandLine commandLine() {
        CommandLine cli = OneLineUsageErrors.commandLine(new SwarmManifestTool());
        cli.setExecutionExceptionHandler(SwarmManifestTool::reportFailure);
        return HelpLayout.applyTo(cli);
    }

    private static int reportFailure(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof UserError user) {
            err.println(name + ": " + user.getMessage());
            err.flush();
            return user.exitCode();
        }
        // Not the user's doing: still one line, with what went wrong.
        err.println(name + ": failed: " + ex);
        err.flush();
        return ExitCodes.FAILURE;
    }
}
