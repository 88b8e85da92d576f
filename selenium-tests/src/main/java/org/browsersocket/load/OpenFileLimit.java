package org.browsersocket.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The open-file limit of this process, raised for a run that holds tens of thousands of
 * connections (each is a file descriptor here and another in the server). Only this process's
 * limit changes ({@code prlimit --pid}), and with it the limit of the servers it starts afterwards;
 * the machine's settings stay as they are. Raising the hard limit needs {@code CAP_SYS_RESOURCE}:
 * without it the limit stays, and the caller sizes its run by {@link #current()}.
 */
public final class OpenFileLimit {
    /** Files a process needs besides its connections (jars, pipes, selectors, the JVM's own). */
    static final int RESERVE = 1000;

    private OpenFileLimit() {}

    /**
     * Raises the limit for {@code connections} held connections (one file each, here and in a
     * server started afterwards) and returns how many fit: {@code connections}, or fewer if the
     * limit could not be raised that far (then it says so).
     */
    public static int forConnections(int connections) throws IOException, InterruptedException {
        long limit = raiseTo((long) connections + RESERVE);
        int fit = (int) Math.max(0, Math.min(connections, limit - RESERVE));
        if (fit < connections) {
            System.out.printf("only %d connections fit in the open-file limit of %d (not %d)%n", fit, limit, connections);
        }
        return fit;
    }

    /** Raises the soft and hard limit to at least {@code files}; returns the soft limit in effect afterwards. */
    public static long raiseTo(long files) throws IOException, InterruptedException {
        long now = current();
        if (now >= files) {
            return now;
        }
        Process prlimit = new ProcessBuilder("prlimit", "--pid", String.valueOf(ProcessHandle.current().pid()),
                "--nofile=" + files + ":" + files).redirectErrorStream(true).start();
        String output = new String(prlimit.getInputStream().readAllBytes()).trim();
        if (!prlimit.waitFor(10, TimeUnit.SECONDS) || prlimit.exitValue() != 0) {
            System.err.println("could not raise the open-file limit to " + files + " (" + output + "); it stays " + now);
        }
        return current();
    }

    /** The soft limit on open files of this process, from {@code /proc/self/limits}. */
    public static long current() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IOException("no open-file limit in /proc/self/limits");
    }
}
