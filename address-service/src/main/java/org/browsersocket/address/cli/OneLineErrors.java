package org.browsersocket.address.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

/** Reports bad command lines and start-up failures as a single line on standard error. */
final class OneLineErrors implements CommandLine.IParameterExceptionHandler,
        CommandLine.IExecutionExceptionHandler {

    private final String name;

    OneLineErrors(String name) {
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

    void print(PrintWriter err, String message) {
        err.println(name + ": " + message);
        err.flush();
    }

    /** Collapses a possibly multi-line message into one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
