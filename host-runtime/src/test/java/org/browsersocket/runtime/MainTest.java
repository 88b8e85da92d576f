package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The jar's command line per DESIGN §2. */
class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void reachabilityFlagsThatCannotWorkAreRefusedWithOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertEquals(2, run("--via-relay", "http://relay.example:7041"));
        assertTrue(err.toString().contains("is not ws://HOST:PORT or wss://HOST:PORT"), err.toString());
        assertEquals(2, run("--via-relay", "ws://relay.example:7041/some/path"));
        assertEquals(2, run("--relay", "--relay-token", "short"));
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        assertEquals(2, run("--tls-cert", cert.toString()));
        assertTrue(err.toString().contains("--tls-cert and --tls-key go together"), err.toString());
    }

    @Test
    void anUnusableTlsKeySaysWhatKeyFormatIsNeeded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "-----BEGIN EC PRIVATE KEY-----\n");
        assertEquals(1, run("--control-port", "0", "--public-port", "0", "--no-port-mapping", "--config-dir",
                dir.resolve("config").toString(), "--tls-cert", cert.toString(), "--tls-key", key.toString()));
        assertTrue(err.toString().contains("PKCS#8") && err.toString().lines().count() == 1, err.toString());
    }

    @Test
    void helpListsTheFlagsAndExitsZero() {
        assertEquals(0, run("--help"));
        for (String flag : new String[] {"--control-port", "--public-port", "--allow-origin", "--max-message-bytes"}) {
            assertTrue(out.toString().contains(flag), flag);
        }
    }

    @Test
    void ioFlagsOutsideTheirRangeAreRefusedWithOneLine() {
        assertEquals(2, run("--io-threads", "0"));
        assertTrue(err.toString().contains("--io-threads must be 1 to 256"), err.toString());
        assertEquals(2, run("--transport", "kqueue"));
        assertTrue(err.toString().contains("--transport must be auto, epoll or nio"), err.toString());
        assertEquals(2, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void unknownFlagExitsNonZeroWithOneLine() {
        assertEquals(2, run("--frobnicate"));
        assertEquals(1, err.toString().strip().lines().count());
        assertTrue(err.toString().contains("--frobnicate"));
    }

    @Test
    void originWithAPathIsRejected() {
        assertEquals(2, run("--allow-origin", "http://localhost:8080/chat/"));
        assertTrue(err.toString().contains("is not an http(s) origin"));
    }

    @Test
    void theNullOriginOfSandboxedPagesCannotBeAllowed() {
        assertEquals(2, run("--allow-origin", "null"));
        assertTrue(err.toString().contains("is not an http(s) origin"), err.toString());
    }

    @Test
    void installingTheNativeHostWritesALauncherAndAManifestNamingTheExtension(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path hosts = dir.resolve("NativeMessagingHosts");
        assertEquals(0, run("--install-native-host", "--config-dir", dir.resolve("config").toString(),
                "--native-host-dir", hosts.toString()), err.toString());
        String manifest = java.nio.file.Files.readString(hosts.resolve("org.browsersocket.runtime.json"));
        assertTrue(manifest.contains("\"allowed_origins\" : [ \"chrome-extension://"
                + org.browsersocket.packaging.ExtensionPackage.ID + "/\" ]"), manifest);
        java.nio.file.Path launcher = dir.resolve("config/native-host");
        assertTrue(manifest.contains(launcher.toString()), manifest);
        assertTrue(java.nio.file.Files.isExecutable(launcher));
        assertTrue(java.nio.file.Files.readString(launcher).contains("NativeHostMain"));
        assertTrue(out.toString().contains("native-messaging host manifest: " + hosts), out.toString());
    }

    @Test
    void busyPortExitsNonZeroWithOneLine() throws Exception {
        int port;
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = busy.getLocalPort();
            assertEquals(1, run("--control-port", String.valueOf(port), "--public-port", "0"));
        }
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("host-runtime: cannot listen on control port " + port + ": "), err.toString());
    }

    @Test
    void aBusyPublicPortIsNamed() throws Exception {
        int port;
        try (ServerSocket busy = new ServerSocket(0)) {
            port = busy.getLocalPort();
            assertEquals(1, run("--control-port", "0", "--public-port", String.valueOf(port)));
        }
        assertTrue(err.toString().startsWith("host-runtime: cannot listen on public port " + port + ": "), err.toString());
    }

    @Test
    void everyOptionIsDescribedAndNoUrlIsCutAtEightyColumns() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        assertTrue(help.lines().allMatch(line -> line.length() <= 80), help);
        for (String url : new String[] {"http://localhost:8080.", "$XDG_CONFIG_HOME/browsersocket", "~/.config/browsersocket.",
                                        "ws://HOST:PORT", "wss://HOST:PORT)"}) {
            assertTrue(help.lines().anyMatch(line -> line.contains(url)), url + " is cut:\n" + help);
        }
        // An option without a description would be followed directly by the next option's line.
        assertTrue(help.lines().filter(line -> line.matches(" {2}(-\\w, | {4})--\\S+")).count() > 0, help);
        java.util.List<String> lines = help.lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).matches(" {2}(-\\w, | {4})--\\S+")) {
                assertTrue(lines.get(i + 1).startsWith("      ") && !lines.get(i + 1).strip().startsWith("-"),
                        "no description for " + lines.get(i));
            }
        }
    }
}
