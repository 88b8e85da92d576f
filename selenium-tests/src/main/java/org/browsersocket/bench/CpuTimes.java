package org.browsersocket.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time from Linux's {@code /proc}: of the whole machine (busy, all cores) and of given
 * processes (user plus system), in clock ticks; and what a span of them comes to in cores busy.
 * Where {@code /proc} cannot be read the figures are 0 (and so the cores shown are 0).
 */
public final class CpuTimes {
    /** Clock ticks per second of {@code /proc}'s times ({@code USER_HZ}): 100 on every Linux architecture Java runs on. */
    public static final double TICKS_PER_SECOND = 100;

    private CpuTimes() {}

    /** Busy ticks of all cores since boot: the first line of {@code /proc/stat}, less idle and iowait. */
    public static long machineBusyTicks() {
        try {
            return busyTicks(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | IndexOutOfBoundsException e) {
            return 0;
        }
    }

    /** {@code cpu user nice system idle iowait irq softirq steal ...}: everything but idle and iowait (guest time is within user). */
    static long busyTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /** User plus system ticks of the processes that still exist. */
    public static long processTicks(Collection<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            try {
                total += processTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1));
            } catch (IOException gone) {
                // the process ended: its time is no longer there to read
            }
        }
        return total;
    }

    /**
     * User plus system ticks of each process's main thread (the thread whose id is the process's),
     * by process; processes that ended are left out. A renderer's main thread runs the page's JavaScript.
     */
    public static Map<Long, Long> mainThreadTicks(Collection<Long> pids) {
        Map<Long, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            try {
                ticks.put(pid, processTicks(Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "stat"),
                        StandardCharsets.ISO_8859_1)));
            } catch (IOException gone) {
                // the process ended
            }
        }
        return ticks;
    }

    /** The largest growth of any process's ticks from {@code before} to {@code after} (processes in both). */
    public static long busiest(Map<Long, Long> before, Map<Long, Long> after) {
        long most = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long was = before.get(e.getKey());
            if (was != null) {
                most = Math.max(most, e.getValue() - was);
            }
        }
        return most;
    }

    /** utime and stime: fields 14 and 15 of {@code /proc/PID/stat}, counted after the command's closing parenthesis. */
    static long processTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 3.. start at index 0: utime is field 14
    }

    /** The processes whose command line contains every one of {@code markers} (e.g. a browser's profile directory). */
    public static List<Long> processesWith(String... markers) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) processes.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    String line = cmdline.replace('\0', ' ');
                    if (Arrays.stream(markers).allMatch(line::contains)) {
                        pids.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            // no /proc: no processes found
        }
        return pids;
    }

    /** Cores busy on average: {@code ticks} over {@code seconds}. */
    public static double cores(long ticks, double seconds) {
        return seconds > 0 ? ticks / TICKS_PER_SECOND / seconds : 0;
    }
}
