package org.browsersocket.discovery.xmlrpc;

import static org.browsersocket.discovery.xmlrpc.GatewayFixture.bytes;
import static org.browsersocket.discovery.xmlrpc.GatewayFixture.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.browsersocket.discovery.directory.Directory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway as an independent, existing XML-RPC client sees it: Apache XML-RPC 3.1.3 over real
 * HTTP to a small server whose only logic is {@link OpenDhtGateway#handle}. That client sends
 * base64 for {@code byte[]}, {@code <i4>} for ints and bare {@code <value>}s for strings, and
 * reads arrays back as {@code Object[]}.
 */
class ApacheXmlRpcClientTest {
    private static final String APP = "ApacheXmlRpcClientTest";
    private static final byte[] KEY = key("apache-client");
    private static final byte[] START = new byte[0];
    private static final int TTL = 600;

    private HttpServer server;
    private XmlRpcClient client;

    @BeforeEach
    void start() throws IOException {
        OpenDhtGateway gateway = GatewayFixture.newGateway();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/RPC2", exchange -> {
            byte[] response = gateway.handle(exchange.getRequestBody().readAllBytes(), GatewayFixture.CLIENT)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", XmlRpcCodec.CONTENT_TYPE + "; charset=UTF-8");
            exchange.sendResponseHeaders(200, response.length); // 200 for faults too, as XML-RPC has it
            exchange.getResponseBody().write(response);
            exchange.close();
        });
        server.start();

        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setServerURL(new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/RPC2"));
        config.setConnectionTimeout(5_000);
        config.setReplyTimeout(5_000);
        client = new XmlRpcClient();
        client.setConfig(config);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void putPutRemovableGetGetDetailsAndRmWorkFromApacheXmlRpc() throws XmlRpcException {
        byte[] secret = bytes("removal secret");
        byte[] plain = bytes("ws://198.51.100.7:8080/plain");
        byte[] removable = bytes("ws://[2001:db8:85a3::8a2e:370:7334]:443/a/rather/long/path/to/wrap/its/base64");

        assertEquals(0, client.execute("put", new Object[] {KEY, plain, TTL, APP}));
        assertEquals(0, client.execute("put_removable",
                new Object[] {KEY, removable, "SHA", Directory.sha1(secret), TTL, APP}));

        assertEquals(Set.of(text(plain), text(removable)), texts(get("get", KEY, 10, START)));

        Object[] details = get("get_details", KEY, 10, START);
        assertEquals(2, details.length);
        for (Object entry : details) {
            Object[] d = (Object[]) entry;
            assertEquals(TTL, d[1]);
            assertEquals("SHA", d[2]);
            byte[] expectedSecretHash = text((byte[]) d[0]).equals(text(removable)) ? Directory.sha1(secret) : new byte[0];
            assertArrayEquals(expectedSecretHash, (byte[]) d[3]);
        }

        // As OpenDHT: a wrong secret answers 0, and nothing is removed.
        assertEquals(0, client.execute("rm", new Object[] {KEY, Directory.sha1(removable), "SHA", bytes("guess"), TTL, APP}));
        assertEquals(Set.of(text(plain), text(removable)), texts(get("get", KEY, 10, START)));

        assertEquals(0, client.execute("rm", new Object[] {KEY, Directory.sha1(removable), "SHA", secret, TTL, APP}));

        assertEquals(Set.of(text(plain)), texts(get("get", KEY, 10, START)));
    }

    @Test
    void getPagesWithPlacemarksFromApacheXmlRpc() throws XmlRpcException {
        Set<String> put = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            put.add("peer " + i);
            assertEquals(0, client.execute("put", new Object[] {KEY, bytes("peer " + i), TTL, APP}));
        }

        List<String> seen = new ArrayList<>();
        byte[] placemark = START;
        int pages = 0;
        do {
            Object[] page = (Object[]) client.execute("get", new Object[] {KEY, 4, placemark, APP});
            for (Object value : (Object[]) page[0]) {
                seen.add(text((byte[]) value));
            }
            placemark = (byte[]) page[1];
            pages++;
        } while (placemark.length > 0);

        assertEquals(3, pages);
        assertEquals(10, seen.size());
        assertEquals(put, new HashSet<>(seen));
    }

    @Test
    void faultsReachTheClientWithTheirCodes() {
        XmlRpcException unknown = assertThrows(XmlRpcException.class,
                () -> client.execute("no_such_method", new Object[] {KEY}));
        assertEquals(XmlRpcFault.UNKNOWN_METHOD, unknown.code);

        XmlRpcException stringKey = assertThrows(XmlRpcException.class,
                () -> client.execute("put", new Object[] {"a string, not base64", bytes("v"), TTL, APP}));
        assertEquals(XmlRpcFault.BAD_ARGUMENTS, stringKey.code);
        assertEquals("argument 1 (key) of put must be base64, not string", stringKey.getMessage());

        XmlRpcException arity = assertThrows(XmlRpcException.class,
                () -> client.execute("get", new Object[] {KEY, 10}));
        assertEquals(XmlRpcFault.BAD_ARGUMENTS, arity.code);
    }

    /** The values (or details) list of a get or get_details. */
    private Object[] get(String method, byte[] key, int maxValues, byte[] placemark) throws XmlRpcException {
        Object[] page = (Object[]) client.execute(method, new Object[] {key, maxValues, placemark, APP});
        assertEquals(2, page.length);
        assertArrayEquals(START, (byte[]) page[1], "everything fits in one page");
        return (Object[]) page[0];
    }

    private static Set<String> texts(Object[] values) {
        Set<String> texts = new HashSet<>();
        for (Object value : values) {
            texts.add(text((byte[]) value));
        }
        return texts;
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
