package org.browsersocket.runtime.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.routing.PrefixMinter;
import org.browsersocket.runtime.testing.HttpStatusProbe;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension's way in: its native host proves itself with the token of native-host.json and
 * names the page's origin; the page's hello brings the prefixes the extension minted.
 */
class ExtensionChannelTest {
    static final String APP = "https://app.example";
    @TempDir
    Path configDir;
    private HostRuntime runtime;
    private NativeHostFile file;

    @BeforeEach
    void start() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral().withConfigDir(configDir));
        file = NativeHostFile.readFrom(configDir);
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    static List<String> prefixes(int n) {
        PrefixMinter minter = new PrefixMinter();
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prefixes.add(minter.mintPrefix());
        }
        return prefixes;
    }

    private JavaPage extensionPage(String token) throws Exception {
        return JavaPage.open(runtime.controlUrl(), Map.of(NativeHostFile.TOKEN_HEADER, token,
                NativeHostFile.ORIGIN_HEADER, APP));
    }

    @Test
    void theRuntimeWritesItsNativeHostFileForTheUserOnlyAndRemovesItWhenItStops() throws Exception {
        Path written = configDir.resolve(NativeHostFile.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        assertEquals("ws://127.0.0.1:" + runtime.controlPort() + "/control", file.control());
        runtime.close();
        assertFalse(Files.exists(written));
    }

    @Test
    void aPageServedByTheExtensionListensOnThePrefixesTheExtensionMinted() throws Exception {
        List<String> prefixes = prefixes(4);
        JavaPage page = extensionPage(file.token()).echoing();
        page.send(new ControlMessage.Hello(null, prefixes, runtime.publicPort()));
        page.expect(ControlMessage.Welcome.class);
        page.send(new ControlMessage.Listen(1));
        ControlMessage.Listening listening = page.expect(ControlMessage.Listening.class);
        assertEquals(prefixes.get(1), listening.prefix());
        JavaPeer peer = JavaPeer.connect("ws://127.0.0.1:" + runtime.publicPort() + prefixes.get(1) + "room").awaitOpen();
        peer.send("hello");
        assertEquals("hello", peer.nextText());
        assertTrue(runtime.sessions().iterator().next().viaExtension());
        peer.closeBlocking();
    }

    @Test
    void aWrongNativeHostTokenIsRefused() throws Exception {
        int status = HttpStatusProbe.upgradeStatus("127.0.0.1", runtime.controlPort(), "/control",
                NativeHostFile.TOKEN_HEADER + ": " + file.token() + "x", NativeHostFile.ORIGIN_HEADER + ": " + APP);
        assertEquals(403, status);
    }

    @Test
    void aPageMayNotBringItsOwnPrefixes() throws Exception {
        JavaPage page = JavaPage.open(runtime.controlUrl(), Map.of("Origin", APP));
        page.send(new ControlMessage.Hello(null, prefixes(1), runtime.publicPort()));
        ControlMessage.Error error = page.expect(ControlMessage.Error.class);
        assertTrue(error.fatal());
        assertTrue(error.reason().contains("only the BrowserSocket extension may bring its own prefixes"), error.reason());
    }

    @Test
    void anExtensionBuiltForAnotherPublicPortIsToldHowToFixIt() throws Exception {
        JavaPage page = extensionPage(file.token());
        page.send(new ControlMessage.Hello(null, prefixes(1), 1));
        String reason = page.expect(ControlMessage.Error.class).reason();
        assertTrue(reason.contains("public port 1, but this runtime listens on " + runtime.publicPort()), reason);
        assertTrue(reason.contains("make extension PUBLIC_PORT=" + runtime.publicPort()), reason);
        page.closedFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void weakOrTakenPrefixesAreRefused() throws Exception {
        JavaPage weak = extensionPage(file.token());
        weak.send(new ControlMessage.Hello(null, List.of("/short/"), runtime.publicPort()));
        assertTrue(weak.expect(ControlMessage.Error.class).reason().contains("malformed or already in use"));

        List<String> taken = prefixes(2);
        JavaPage first = extensionPage(file.token());
        first.send(new ControlMessage.Hello(null, taken, runtime.publicPort()));
        first.expect(ControlMessage.Welcome.class);
        JavaPage second = extensionPage(file.token());
        second.send(new ControlMessage.Hello(null, List.of(taken.get(1)), runtime.publicPort()));
        assertTrue(second.expect(ControlMessage.Error.class).reason().contains("malformed or already in use"));
    }
}
