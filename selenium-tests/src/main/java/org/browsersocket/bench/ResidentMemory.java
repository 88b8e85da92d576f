package org.browsersocket.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The resident memory of a process, read from {@code /proc}; {@link #settled} first has a JVM
 * collect its garbage and waits until the figure stops moving, so two readings taken around a
 * change in load differ by what the load holds, not by garbage not yet collected.
 */
public final class ResidentMemory {
    /** Readings this close (bytes) one poll apart count as settled. */
    static final long STEADY_BYTES = 256 << 10;
    static final long POLL_MILLIS = 200;
    static final long SETTLE_MILLIS = 15_000;

    private ResidentMemory() {}

    /** VmRSS of process {@code pid} in bytes. */
    public static long of(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /**
     * VmRSS of the JVM {@code pid} after {@code jcmd PID GC.run}, once two readings a poll apart
     * differ by less than {@value #STEADY_BYTES} bytes (or after {@value #SETTLE_MILLIS} ms, the
     * last reading). Without {@code jcmd} the reading is taken without a collection.
     */
    public static long settled(long pid) throws IOException, InterruptedException {
        collectGarbage(pid);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        long last = of(pid);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // polling interval of the steadiness condition
            long now = of(pid);
            if (Math.abs(now - last) < STEADY_BYTES) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static void collectGarbage(long pid) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(30, TimeUnit.SECONDS)) {
                gc.destroyForcibly();
            }
        } catch (IOException noJcmd) {
            // a JRE without jcmd: the reading is taken as it is
        }
    }
}
