package org.browsersocket.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an experiment ran on, written next to its CSV as {@code <name>.env.json}: the machine, the
 * software, the commit (and whether the tree differed from it), and the SHA-256 of each result file
 * the run wrote, so that a result file changed after the run is caught ({@code ResultsTest}).
 */
public final class Environment {
    private Environment() {}

    /** Writes {@code file} for {@code experiment}, whose result files (in the same directory) are {@code <experiment>.csv} and any {@code <experiment>_*.csv}. */
    public static void write(Path file, String experiment, boolean quick) throws IOException {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("experiment", experiment);
        env.put("cpu_model", cpuModel());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("memory_bytes", memoryBytes());
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        // Debian's chromium wrapper may print shell warnings before the version line.
        env.put("chromium", command("/usr/bin/chromium", "--version").lines().filter(l -> l.startsWith("Chromium"))
                .findFirst().orElse("unknown"));
        env.put("node", command("node", "--version"));
        env.put("git_commit", command("git", "rev-parse", "--short", "HEAD"));
        // Code that differs from the commit (results aside) makes the commit a wrong name for what ran.
        env.put("git_dirty", !command("git", "status", "--porcelain", "--", ".", ":(exclude)paper/results").isEmpty());
        env.put("date", Instant.now().toString());
        env.put("quick", quick);
        Map<String, String> files = new LinkedHashMap<>();
        for (Path result : resultFiles(file.getParent(), experiment)) {
            files.put(result.getFileName().toString(), sha256(result));
        }
        env.put("files_sha256", files);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), env);
    }

    /** An experiment's result files: {@code <experiment>.csv} and its companions {@code <experiment>_*.csv}, by name. */
    static java.util.List<Path> resultFiles(Path directory, String experiment) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.equals(experiment + ".csv") || name.startsWith(experiment + "_") && name.endsWith(".csv");
            }).sorted().toList();
        }
    }

    /** The SHA-256 of a file's bytes, in hex. */
    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long memoryBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D+", "")) * 1024).findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
