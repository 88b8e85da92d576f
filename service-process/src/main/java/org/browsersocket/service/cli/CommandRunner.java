package org.browsersocket.service.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

import org.browsersocket.cli.HelpLayout;

import picocli.CommandLine;

/**
 * Runs a picocli command on given streams and returns its exit code, never calling
 * {@link System#exit}: help and version go to {@code out}, and a bad command line or a failure
 * is reported on one line on {@code err} by {@link OneLineErrors}.
 */
public final class CommandRunner {

    private CommandRunner() {
    }

    /**
     * Parses {@code args} into {@code command} (an {@code @Command}-annotated object) and acts on
     * them; returns the exit code.
     */
    public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        CommandLine cmd = HelpLayout.applyTo(new CommandLine(command));
        OneLineErrors errors = new OneLineErrors(cmd.getCommandName());
        cmd.setParameterExceptionHandler(errors);
        cmd.setExecutionExceptionHandler(errors);
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cmd.setOut(outWriter);
        cmd.setErr(errWriter);
        try {
            return cmd.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }
}
