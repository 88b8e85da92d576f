package org.browsersocket.cli;

import picocli.CommandLine;

/**
 * Reports a bad command line as one line on standard error, {@code NAME: reason (see --help)},
 * instead of picocli's default of the reason followed by the whole usage; the exit code is
 * {@link ExitCodes#BAD_USAGE}.
 */
public final class OneLineUsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String reason = ex.getMessage() == null ? "" : ex.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        cmd.getErr().println(cmd.getCommandName() + ": " + reason + " (see --help)");
        cmd.getErr().flush();
        return ExitCodes.BAD_USAGE;
    }

    /** {@code command}'s command line, reporting bad flags with this handler. */
    public static CommandLine commandLine(Object command) {
        return new CommandLine(command).setParameterExceptionHandler(new OneLineUsageErrors());
    }
}
