package org.browsersocket.service.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/**
 * Reports bad command lines and start-up failures as a single line on standard error, prefixed
 * with the command's name, e.g. {@code address-service: Unknown option: '--bogus' (see --help)}.
 */
public final class OneLineErrors implements CommandLine.IParameterExceptionHandler,
        CommandLine.IExecutionExceptionHandler {

    private final String name;

    /** @param name the command's name, put in front of every line */
    public OneLineErrors(String name) {
        this.name = name;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        print(cmd.getErr(), oneLine(ex.getMessage()) + " (see --help)");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd,
                                        CommandLine.ParseResult parseResult) {
        print(cmd.getErr(), oneLine(String.valueOf(ex)));
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    /** Prints {@code name: message} and flushes; {@code message} should already be one line. */
    public void print(PrintWriter err, String message) {
        err.println(name + ": " + message);
        err.flush();
    }

    /** Collapses a possibly multi-line message into one line; {@code null} becomes "". */
    public static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
