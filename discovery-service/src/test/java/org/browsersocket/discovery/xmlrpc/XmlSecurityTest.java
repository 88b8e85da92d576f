package org.browsersocket.discovery.xmlrpc;

import static org.browsersocket.discovery.xmlrpc.GatewayFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile XML: DOCTYPEs (and so every entity trick) are refused outright, nothing is fetched,
 * files never reach a response, and expansion bombs cost nothing.
 */
class XmlSecurityTest {
    private static final String DOCTYPE_REFUSED = "DOCTYPE declarations are not allowed in XML-RPC requests";
    private static final Path PASSWD = Path.of("/etc/passwd");

    private final OpenDhtGateway gateway = GatewayFixture.newGateway();

    /** A web server that counts the requests a parser might make for external DTDs or entities. */
    private HttpServer lure;
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void startLure() throws IOException {
        lure = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        lure.createContext("/", exchange -> {
            fetches.incrementAndGet();
            byte[] dtd = bytes("<!ENTITY leaked \"LURE-CONTENT\">");
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        lure.start();
    }

    @AfterEach
    void stopLure() {
        lure.stop(0);
    }

    @Test
    void anExternalEntityReadingEtcPasswdIsRefusedAndTheFileNeverAppears() throws IOException {
        String response = gateway.handle(bytes("""
                <?xml version="1.0"?>
                <!DOCTYPE methodCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <methodCall><methodName>get</methodName><params>
                  <param><value><string>&xxe;</string></value></param>
                </params></methodCall>
                """), GatewayFixture.CLIENT);

        assertRefusedDoctype(response);
        assertFalse(response.contains("root:"), response);
        if (Files.isReadable(PASSWD)) {
            for (String line : Files.readAllLines(PASSWD)) {
                assertFalse(!line.isBlank() && response.contains(line), "a line of /etc/passwd leaked");
            }
        }
    }

    @Test
    void anExternalEntityInAPutIsRefusedAndNothingFromTheFileIsStored(@TempDir Path dir) throws IOException {
        byte[] marker = bytes("MARKER-" + UUID.randomUUID());
        // The file holds valid base64, so a parser that expanded the entity would store its bytes.
        Path file = Files.writeString(dir.resolve("secret.txt"), Base64.getEncoder().encodeToString(marker));
        byte[] key = GatewayFixture.key("xxe");

        String response = gateway.handle(bytes("<!DOCTYPE methodCall [<!ENTITY xxe SYSTEM \"" + file.toUri()
                + "\">]><methodCall><methodName>put</methodName><params>"
                + "<param><value><base64>" + Base64.getEncoder().encodeToString(key) + "</base64></value></param>"
                + "<param><value><base64>&xxe;</base64></value></param>"
                + "<param><value><int>60</int></value></param><param><value>app</value></param>"
                + "</params></methodCall>"), GatewayFixture.CLIENT);

        assertRefusedDoctype(response);
        List<?> page = Responses.list(GatewayFixture.call(gateway, "get", key, 10, new byte[0], "app"));
        assertEquals(List.of(), page.get(0), "nothing was stored");
    }

    @Test
    void theParserItselfRefusesEntityDeclarations() {
        XmlRpcFault fault = assertThrows(XmlRpcFault.class, () -> SecureXml.parse(bytes(
                "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>")));

        assertEquals(DOCTYPE_REFUSED, fault.getMessage());
    }

    @Test
    void externalDtdsAndParameterEntitiesAreNeverFetched() {
        String base = "http://127.0.0.1:" + lure.getAddress().getPort();
        for (String doctype : List.of(
                "<!DOCTYPE methodCall SYSTEM \"" + base + "/external.dtd\">",
                "<!DOCTYPE methodCall PUBLIC \"-//X//Y//EN\" \"" + base + "/public.dtd\">",
                "<!DOCTYPE methodCall [<!ENTITY % remote SYSTEM \"" + base + "/parameter.dtd\"> %remote;]>",
                "<!DOCTYPE methodCall [<!ENTITY leaked SYSTEM \"" + base + "/entity\">]>")) {
            String response = gateway.handle(bytes(doctype
                    + "<methodCall><methodName>get</methodName><params><param><value>&leaked;</value></param>"
                    + "</params></methodCall>"), GatewayFixture.CLIENT);

            assertRefusedDoctype(response);
            assertFalse(response.contains("LURE-CONTENT"), response);
        }
        assertEquals(0, fetches.get(), "the parser fetched something");
    }

    @Test
    void aBillionLaughsBombIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 10; i++) {
            bomb.append("<!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        bomb.append("]><methodCall><methodName>get</methodName><params><param><value>&lol10;</value></param>"
                + "</params></methodCall>");
        assertTrue(bomb.length() < XmlRpcCodec.MAX_BODY_BYTES, "the bomb itself is small");

        String response = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> gateway.handle(bytes(bomb.toString()), GatewayFixture.CLIENT));

        assertRefusedDoctype(response);
        assertTrue(response.length() < 1000, "the answer is small");
    }

    @Test
    void aQuadraticBlowupWithoutDoctypeCannotHappenBecauseUndeclaredEntitiesAreErrors() {
        String response = gateway.handle(bytes("<methodCall><methodName>get</methodName><params><param><value>"
                + "&a;".repeat(10_000) + "</value></param></params></methodCall>"), GatewayFixture.CLIENT);

        XmlRpcFault fault = Responses.fault(response);
        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
    }

    @Test
    void xincludeIsNotProcessed(@TempDir Path dir) throws IOException {
        String marker = "MARKER-" + UUID.randomUUID();
        Path file = Files.writeString(dir.resolve("included.txt"), marker);

        String response = gateway.handle(bytes("<methodCall xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
                + "<methodName>get</methodName><params><param><value>"
                + "<xi:include href=\"" + file.toUri() + "\" parse=\"text\"/>"
                + "</value></param></params></methodCall>"), GatewayFixture.CLIENT);

        XmlRpcFault fault = Responses.fault(response);
        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
        assertFalse(response.contains(marker), response);
    }

    @Test
    void theInternalSubsetAloneIsEnoughToBeRefused() {
        String response = gateway.handle(bytes("<!DOCTYPE methodCall []><methodCall><methodName>get</methodName>"
                + "</methodCall>"), GatewayFixture.CLIENT);

        assertRefusedDoctype(response);
    }

    private static void assertRefusedDoctype(String response) {
        XmlRpcFault fault = Responses.fault(response);
        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
        assertEquals(DOCTYPE_REFUSED, fault.getMessage());
    }
}
