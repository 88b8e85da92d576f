package org.browsersocket.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/**
 * The address service in a real NAT and Teredo topology: {@code tools/netlab.sh} builds two homes
 * behind cone NATs, each with a miredo Teredo client, and a "public internet" namespace with a
 * Teredo server and relay (tools/netlab.sh). The service runs inside that internet namespace and
 * the homes ask it with curl, over IPv4 through their NAT and over IPv6 through Teredo.
 *
 * <p>Needs root and the netlab packages ({@code tools/install-deps.sh test} installs them as
 * root); skipped otherwise. The lab has a unique name per run and is torn down after the tests,
 * whatever happened.
 */
class TeredoTopologyTest {

    private static final int PORT = 7050;
    private static final String LISTENING_LINE =
            "address-service listening on http://[::]:" + PORT + " (IPv6)";
    private static final Duration SERVICE_START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EOF = new String("end of the service's output");

    private static Path netlab;
    private static String skipReason;
    private static String lab;
    private static Map<String, String> addresses;
    private static Process service;
    private static final StringBuffer serviceOutput = new StringBuffer();
    private static Thread shutdownHook;

    @BeforeAll
    static void buildTheLabAndStartTheServiceInItsInternet() throws Exception {
        netlab = repositoryRoot().resolve("tools/netlab.sh");
        Result check = run(Duration.ofSeconds(30), netlab.toString(), "check");
        if (check.exit() != 0) {
            // Skipped test by test (see skipWithoutTheLab): Surefire reports a class aborted in
            // @BeforeAll as "Tests run: 0, Skipped: 0", without the reason (SUREFIRE-2300).
            skipReason = check.firstLine()
                    + " — the Teredo topology test needs root and the netlab packages";
            return;
        }

        lab = String.format(Locale.ROOT, "at%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        // If the JVM is stopped (Ctrl-C, SIGTERM), still take the lab down; @AfterAll removes the hook.
        shutdownHook = new Thread(TeredoTopologyTest::tearDownQuietly, "netlab down " + lab);
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        Result up = run(Duration.ofSeconds(60), Map.of("NAT2", "cone"), netlab.toString(), "up", lab);
        assertEquals(0, up.exit(), () -> "netlab.sh up " + lab + " failed:\n" + up.all());
        Result listed = run(Duration.ofSeconds(30), netlab.toString(), "addresses", lab);
        assertEquals(0, listed.exit(), () -> "netlab.sh addresses " + lab + " failed:\n" + listed.all());
        addresses = keyValues(listed.out());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        service = new ProcessBuilder("ip", "netns", "exec", address("NS_INET"), java,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", Integer.toString(PORT))
                .redirectErrorStream(true)
                .start();
        service.getOutputStream().close();
        awaitListening();
    }

    @BeforeEach
    void skipWithoutTheLab() {
        if (skipReason != null) {
            Assumptions.abort(skipReason);
        }
    }

    @AfterAll
    static void stopTheServiceAndTakeTheLabDown() throws Exception {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run: tearDown() is idempotent
            }
            shutdownHook = null;
        }
        String problems = tearDown();
        assertTrue(problems.isEmpty(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"home1", "home2"})
    void aHomeAskingOverIpv4IsToldItsNatsPublicAddressNotItsPrivateOne(String home)
            throws Exception {
        JsonNode answer = ask(home, "http://" + address("SERVICE_V4") + ":" + PORT + "/address");

        assertEquals(ip(natPublic(home)), ip(answer.path("ip").asText()),
                () -> home + " (private address " + privateAddress(home) + ") asked over IPv4: "
                        + answer);
        assertEquals(4, answer.path("version").asInt(), answer::toString);
        assertTrue(answer.path("teredo").isNull(), answer::toString);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"home1", "home2"})
    void aHomeAskingOverTeredoIsToldItsTeredoAddressCarryingItsNatsPublicAddressAndTheTeredoServer(
            String home) throws Exception {
        JsonNode answer = askOverTeredo(home);

        assertEquals(ip(teredoAddress(home)), ip(answer.path("ip").asText()), answer::toString);
        assertEquals(6, answer.path("version").asInt(), answer::toString);
        JsonNode teredo = answer.path("teredo");
        assertTrue(teredo.isObject(), answer::toString);
        assertEquals(ip(natPublic(home)), ip(teredo.path("client").asText()), answer::toString);
        assertEquals(ip(address("TEREDO_SERVER")), ip(teredo.path("server").asText()),
                answer::toString);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"home1", "home2"})
    void teredoLookupOfAHomesAddressDecodesItAsTheAddressAnswerDoes(String home) throws Exception {
        JsonNode seen = askOverTeredo(home).path("teredo");
        String teredoAddress = teredoAddress(home);

        JsonNode decoded = ask(home,
                "http://" + address("SERVICE_V4") + ":" + PORT + "/teredo/" + teredoAddress);

        assertEquals(ip(teredoAddress), ip(decoded.path("address").asText()), decoded::toString);
        for (String part : List.of("server", "client", "port", "cone", "flags")) {
            assertNotNull(seen.get(part), () -> "GET /address over Teredo: " + seen);
            assertEquals(seen.get(part), decoded.get(part),
                    () -> part + ": /teredo/" + teredoAddress + " gave " + decoded
                            + ", /address over Teredo gave " + seen);
        }
    }

    // ---------------------------------------------------------------------------------------
    // asking the service from a home

    private static JsonNode askOverTeredo(String home) throws Exception {
        return ask(home, "http://[" + address("SERVICE_V6") + "]:" + PORT + "/address");
    }

    /** GET {@code url} with curl inside {@code home}; the answer's JSON. */
    private static JsonNode ask(String home, String url) throws Exception {
        Result curl = run(Duration.ofSeconds(15), netlab.toString(), "exec", lab, home,
                "curl", "-sS", "--fail-with-body", "--max-time", "5", url);
        assertEquals(0, curl.exit(), () -> "curl " + url + " in " + home + ":\n" + curl.all());
        return JSON.readTree(curl.out());
    }

    private static String natPublic(String home) {
        return address(home.equals("home1") ? "NAT1_PUBLIC" : "NAT2_PUBLIC");
    }

    private static String privateAddress(String home) {
        return "10." + home.substring("home".length()) + ".0.2";
    }

    private static String teredoAddress(String home) {
        return address(home.toUpperCase(Locale.ROOT) + "_TEREDO");
    }

    private static String address(String key) {
        String value = addresses.get(key);
        assertTrue(value != null && !value.isEmpty(),
                () -> "netlab.sh addresses " + lab + " has no " + key + ": " + addresses);
        return value;
    }

    /** A parsed IP address, so that equal addresses compare equal however they are written. */
    private static IPAddress ip(String text) {
        IPAddress ip = new IPAddressString(text).getAddress();
        assertNotNull(ip, () -> "not an IP address: '" + text + "'");
        return ip;
    }

    // ---------------------------------------------------------------------------------------
    // the service process

    /** Reads the service's output until it says it listens on IPv6, or fails at a deadline. */
    private static void awaitListening() throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    serviceOutput.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                serviceOutput.append("(reading the output failed: ").append(e).append(")\n");
            } finally {
                lines.add(EOF);
            }
        }, "address-service output");
        reader.setDaemon(true);
        reader.start();

        long deadline = System.nanoTime() + SERVICE_START.toNanos();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the address service did not say '" + LISTENING_LINE
                        + "' within " + SERVICE_START.toSeconds() + " s; its output:\n" + serviceOutput);
            }
            if (line == EOF) {
                throw new AssertionError("the address service ended before it listened; its output:\n"
                        + serviceOutput);
            }
            if (line.contains(LISTENING_LINE)) {
                return;
            }
        }
    }

    /** Stops the service and takes the lab down; what went wrong, or "" when all is clean. */
    private static synchronized String tearDown() throws InterruptedException {
        StringBuilder problems = new StringBuilder();
        if (service != null) {
            service.destroy();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                problems.append("the address service ignored SIGTERM for 10 s; killed it\n");
                service.destroyForcibly();
                service.waitFor(10, TimeUnit.SECONDS);
            }
            service = null;
        }
        if (lab != null) {
            try {
                Result down = run(Duration.ofSeconds(60), netlab.toString(), "down", lab);
                if (down.exit() != 0) {
                    problems.append("netlab.sh down ").append(lab).append(" failed:\n")
                            .append(down.all());
                }
                Result namespaces = run(Duration.ofSeconds(10), "ip", "netns", "list");
                for (String line : namespaces.out().split("\n")) {
                    if (line.startsWith(lab + "-")) {
                        problems.append("namespace left behind: ").append(line).append('\n');
                    }
                }
            } catch (IOException | AssertionError e) {
                problems.append("tearing down lab ").append(lab).append(": ").append(e).append('\n');
            }
            if (Files.exists(Path.of("/tmp/netlab-" + lab))) {
                problems.append("state directory left behind: /tmp/netlab-").append(lab).append('\n');
            }
            lab = null;
        }
        return problems.toString();
    }

    private static void tearDownQuietly() {
        try {
            String problems = tearDown();
            if (!problems.isEmpty()) {
                System.err.println(problems);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------
    // commands

    private record Result(int exit, String out, String err) {
        String all() {
            return "exit " + exit + "\n" + out + err;
        }

        /** The first line the command printed (stdout first), for a one-line message. */
        String firstLine() {
            for (String text : List.of(out, err)) {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        return line.strip();
                    }
                }
            }
            return "exit " + exit;
        }
    }

    private static Result run(Duration timeout, String... command)
            throws IOException, InterruptedException {
        return run(timeout, Map.of(), command);
    }

    /** Runs {@code command} to its end, at most {@code timeout}, collecting its output. */
    private static Result run(Duration timeout, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        FutureTask<String> out = readAll(process.getInputStream());
        FutureTask<String> err = readAll(process.getErrorStream());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not end within "
                    + timeout.toSeconds() + " s");
        }
        try {
            return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS),
                    err.get(10, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("reading the output of " + String.join(" ", command), e);
        }
    }

    private static FutureTask<String> readAll(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        Thread thread = new Thread(task, "command output");
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        return values;
    }

    /** The repository's root: the nearest directory up from the working one with tools/netlab.sh. */
    private static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("tools/netlab.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no tools/netlab.sh in " + start + " or above");
    }
}
