package org.browsersocket.experiments.addressing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One network lab of {@code tools/netlab.sh}: two homes behind NATs, a
 * "public internet" with the Teredo server and relay. Everything the lab holds (namespaces, the
 * processes in them, links, guard routes) goes away with {@link #down()}.
 */
final class Lab {
    private final Path netlab;
    private final String name;
    private final Map<String, String> options;
    private Map<String, String> addresses = Map.of();
    private boolean up;

    private Lab(Path netlab, String name, Map<String, String> options) {
        this.netlab = netlab;
        this.name = name;
        this.options = Map.copyOf(options);
    }

    /** Why this machine cannot run the lab, or null if it can. */
    static String unavailable(Path repoRoot) throws InterruptedException {
        Path netlab = repoRoot.resolve("tools/netlab.sh");
        if (!Files.isExecutable(netlab)) {
            return "no executable " + netlab;
        }
        try {
            Commands.Result id = Commands.run(Duration.ofSeconds(10), "id", "-u");
            if (!id.out().strip().equals("0")) {
                return "E7 needs root (network namespaces); running as uid " + id.out().strip();
            }
            Commands.Result check = Commands.run(Duration.ofSeconds(30), netlab.toString(), "check");
            if (check.exit() != 0) {
                return check.firstLine() + " (E7 needs the netlab packages: tools/netlab.sh install)";
            }
        } catch (IOException e) {
            return "cannot run " + netlab + ": " + e.getMessage();
        }
        return null;
    }

    /**
     * A lab with a name of its own (namespace names are global to the machine), built with the
     * options of {@code netlab.sh up} ({@code NAT1}, {@code GATEWAY1}, {@code IPV6}, ...).
     */
    static Lab named(Path repoRoot, String prefix, Map<String, String> options) {
        String name = String.format(Locale.ROOT, "%s%06x", prefix,
                ThreadLocalRandom.current().nextInt(1 << 24));
        return new Lab(repoRoot.resolve("tools/netlab.sh"), name, options);
    }

    String name() {
        return name;
    }

    Path script() {
        return netlab;
    }

    /** Builds the lab with its options and reads its addresses. */
    void up() throws IOException, InterruptedException {
        up = true; // from here on, down() has something to do even if up fails half-way
        Commands.Result result = Commands.run(Duration.ofSeconds(60), options,
                netlab.toString(), "up", name);
        if (result.exit() != 0) {
            throw new IOException("netlab.sh up " + name + " failed: " + result.all());
        }
        Commands.Result listed = Commands.run(Duration.ofSeconds(30), netlab.toString(), "addresses", name);
        if (listed.exit() != 0) {
            throw new IOException("netlab.sh addresses " + name + " failed: " + listed.all());
        }
        Map<String, String> values = new HashMap<>();
        for (String line : listed.out().split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        addresses = values;
    }

    /** A value of {@code netlab.sh addresses}, e.g. {@code HOME1_MGMT}. */
    String address(String key) {
        String value = addresses.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("netlab.sh addresses " + name + " has no " + key + ": " + addresses);
        }
        return value;
    }

    /** Runs a short command in namespace {@code ns} of the lab; fails with its output if it fails. */
    void exec(String ns, String... command) throws IOException, InterruptedException {
        String[] full = new String[command.length + 4];
        full[0] = netlab.toString();
        full[1] = "exec";
        full[2] = name;
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        Commands.Result result = Commands.run(Duration.ofSeconds(30), full);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", full) + " failed: " + result.all());
        }
    }

    /** The machine-wide name of namespace {@code ns} (inet, nat1, nat2, home1, home2). */
    String namespace(String ns) {
        return name + "-" + ns;
    }

    /** Takes the lab down (idempotent); what was left behind, or "" when all is clean. */
    synchronized String down() {
        if (!up) {
            return "";
        }
        up = false;
        StringBuilder problems = new StringBuilder();
        try {
            Commands.Result down = Commands.run(Duration.ofSeconds(60), netlab.toString(), "down", name);
            if (down.exit() != 0) {
                problems.append("netlab.sh down ").append(name).append(" failed: ").append(down.all());
            }
            Commands.Result namespaces = Commands.run(Duration.ofSeconds(10), "ip", "netns", "list");
            for (String line : namespaces.out().split("\n")) {
                if (line.startsWith(name + "-")) {
                    problems.append("namespace left behind: ").append(line).append('\n');
                }
            }
        } catch (IOException e) {
            problems.append("tearing down lab ").append(name).append(": ").append(e).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.append("interrupted while tearing down lab ").append(name).append('\n');
        }
        if (Files.exists(Path.of("/tmp/netlab-" + name))) {
            problems.append("state directory left behind: /tmp/netlab-").append(name).append('\n');
        }
        return problems.toString();
    }
}
