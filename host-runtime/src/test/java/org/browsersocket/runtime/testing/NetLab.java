package org.browsersocket.runtime.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A lab of network namespaces built by tools/netlab.sh (homes behind NATs, a public "internet"),
 * for tests that need real peers in other networks. {@link #unavailable()} says why a lab cannot
 * be built here (not root, packages missing); tests then skip with that reason.
 */
public final class NetLab implements AutoCloseable {
    /** A finished command: its exit status and its output (stdout and stderr together). */
    public record Run(int exit, String out) {}

    private final Path script;
    private final String name;
    private final Map<String, String> addresses = new HashMap<>();
    private final List<Process> started = new ArrayList<>();

    private NetLab(Path script, String name) {
        this.script = script;
        this.name = name;
    }

    private static Path script() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("tools/netlab.sh"))) {
            root = root.getParent();
        }
        return root == null ? null : root.resolve("tools/netlab.sh");
    }

    /** Why no lab can be built here, or null when one can. */
    public static String unavailable() throws Exception {
        Path script = script();
        if (script == null) {
            return "no tools/netlab.sh";
        }
        Run check = run(Map.of(), 30, script.toString(), "check");
        return check.exit == 0 ? null : check.out.strip().lines().findFirst().orElse("netlab.sh check failed")
                + " (the lab needs root and its packages: tools/netlab.sh install)";
    }

    /** Builds a lab named {@code prefix} plus a random suffix, with netlab.sh's {@code options} (e.g. NAT1=symmetric). */
    public static NetLab up(String prefix, Map<String, String> options) throws Exception {
        NetLab lab = new NetLab(script(), String.format(Locale.ROOT, "%s%06x", prefix,
                ThreadLocalRandom.current().nextInt(1 << 24)));
        Run up = run(options, 120, lab.script.toString(), "up", lab.name);
        if (up.exit != 0) {
            lab.close();
            throw new AssertionError("netlab.sh up failed:\n" + up.out);
        }
        for (String line : run(Map.of(), 30, lab.script.toString(), "addresses", lab.name).out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                lab.addresses.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return lab;
    }

    /** A fact of the running lab, by its {@code netlab.sh addresses} key (e.g. RELAY_V4, NAT1_PUBLIC). */
    public String address(String key) {
        String value = addresses.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the lab has no " + key + ": " + addresses.keySet());
        }
        return value;
    }

    /** Runs a command in namespace {@code ns} (inet, nat1, nat2, home1, home2) to its end. */
    public Run exec(int seconds, String ns, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of(script.toString(), "exec", name, ns));
        full.addAll(List.of(command));
        return run(Map.of(), seconds, full.toArray(String[]::new));
    }

    /** A process started in the lab, whose output lines are collected as they come. */
    public static final class LabProcess {
        private final Process process;
        private final List<String> lines = new ArrayList<>();

        LabProcess(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (java.io.IOException ended) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        public Process process() {
            return process;
        }

        /** Everything it printed so far. */
        public String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /** The first line so far or within {@code seconds} that {@code wanted} accepts; fails with the output otherwise. */
        public String awaitLine(int seconds, Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                while (true) {
                    for (String line : lines) {
                        if (wanted.test(line)) {
                            return line;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && lines.stream().noneMatch(wanted))) {
                        if (left > 0) {
                            lines.wait(200); // the last lines may still be on their way
                            if (lines.stream().anyMatch(wanted)) {
                                continue;
                            }
                        }
                        throw new AssertionError("no such line within " + seconds + " s; output:\n" + String.join("\n", lines));
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }
    }

    /** Starts {@code main} of this test classpath in namespace {@code ns}; stopped with the lab. */
    public LabProcess java(String ns, Class<?> main, String... args) throws Exception {
        return java(ns, List.of(), main, args);
    }

    /** The same with JVM options (e.g. {@code -Dname=value}). */
    public LabProcess java(String ns, List<String> jvmOptions, Class<?> main, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", address("NS_" + ns.toUpperCase(Locale.ROOT)),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        return new LabProcess(process);
    }

    @Override
    public void close() throws Exception {
        for (Process process : started) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        run(Map.of(), 60, script.toString(), "down", name);
    }

    public static Run run(Map<String, String> env, int seconds, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end in " + seconds + " s");
        }
        return new Run(p.exitValue(), out);
    }
}
