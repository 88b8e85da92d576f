package org.browsersocket.discovery.xmlrpc;

import static org.browsersocket.discovery.xmlrpc.GatewayFixture.bytes;
import static org.browsersocket.discovery.xmlrpc.GatewayFixture.call;
import static org.browsersocket.discovery.xmlrpc.GatewayFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.store.ValueStore;
import org.junit.jupiter.api.Test;

/** What {@link OpenDhtGateway#handle} answers to calls it cannot carry out: always a fault response. */
class GatewayFaultsTest {
    private static final byte[] KEY = key("faults");
    private static final byte[] SECRET_HASH = Directory.sha1(bytes("secret"));

    private final OpenDhtGateway gateway = GatewayFixture.newGateway();

    @Test
    void malformedXmlIsAMalformedRequestFaultThatDoesNotQuoteTheBody() {
        XmlRpcFault fault = fault(gateway.handle(bytes("<methodCall><methodName>put</methodName><params>QUOTED"), GatewayFixture.CLIENT));

        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
        assertTrue(fault.getMessage().startsWith("malformed XML at line 1, column "), fault.getMessage());
    }

    @Test
    void markupNestedNineThousandDeepInAMethodNameIsAReadableFaultNotAStackOverflow() {
        String deep = "<a>".repeat(9000) + "</a>".repeat(9000);
        assertTrue(deep.length() < XmlRpcCodec.MAX_BODY_BYTES);

        XmlRpcFault fault = fault(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> gateway.handle(
                bytes("<methodCall><methodName>" + deep + "</methodName></methodCall>"), GatewayFixture.CLIENT)));

        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
        assertEquals("elements nested deeper than 128 levels", fault.getMessage());
    }

    @Test
    void markupInAMethodNameOrAMemberNameIsAFault() {
        assertEquals("a <methodName> holds text only", fault(gateway.handle(bytes(
                "<methodCall><methodName><QUOTED>get</QUOTED></methodName></methodCall>"), GatewayFixture.CLIENT)).getMessage());
        assertEquals("a <name> holds text only", fault(gateway.handle(bytes(
                "<methodCall><methodName>get</methodName><params><param><value><struct><member><name><b>QUOTED</b></name>"
                        + "<value>1</value></member></struct></value></param></params></methodCall>"), GatewayFixture.CLIENT))
                .getMessage());
    }

    @Test
    void valuesNestedAsDeepAsAllowedAreReadAndDeeperOnesAreAFault() {
        String allowed = "<value><array><data>".repeat(ValueReader.MAX_DEPTH) + "<value>x</value>"
                + "</data></array></value>".repeat(ValueReader.MAX_DEPTH);
        String response = gateway.handle(bytes("<methodCall><methodName>get</methodName><params><param>" + allowed
                + "</param></params></methodCall>"), GatewayFixture.CLIENT);
        assertEquals("get takes 4 arguments (key, maxvals, placemark, application), not 1", fault(response).getMessage());

        String deeper = "<value><array><data>".repeat(ValueReader.MAX_DEPTH + 1) + "<value>x</value>"
                + "</data></array></value>".repeat(ValueReader.MAX_DEPTH + 1);
        assertEquals("values nested deeper than 32 levels", fault(gateway.handle(bytes("<methodCall><methodName>get"
                + "</methodName><params><param>" + deeper + "</param></params></methodCall>"), GatewayFixture.CLIENT)).getMessage());
    }

    @Test
    void writesOverTheClientsRateAreFaultFiveAndReadsAreNotLimited() {
        OpenDhtGateway strict = GatewayFixture.gatewayOn(GatewayFixture.newStore(),
                new org.browsersocket.discovery.limits.DiscoveryLimits(0.1, 100, Long.MAX_VALUE, 8, 100));
        for (int i = 0; i < 1; i++) {
            assertEquals(0, Responses.value(call(strict, "put", KEY, bytes("v" + i), 60, "app")));
        }
        XmlRpcFault limited = fault(call(strict, "put", KEY, bytes("one too many"), 60, "app"));
        assertEquals(XmlRpcFault.RATE_LIMITED, limited.code());
        assertEquals("rate limit exceeded: 0.1 writes per second per client (bursts of 1)", limited.getMessage());
        assertEquals(XmlRpcFault.RATE_LIMITED, fault(call(strict, "rm", KEY, Directory.sha1(bytes("v0")), "SHA",
                bytes("s"), 60, "app")).code());
        for (int i = 0; i < 20; i++) {
            assertEquals(2, Responses.list(call(strict, "get", KEY, 10, new byte[0], "app")).size());
        }
    }

    @Test
    void anUnknownMethodIsFaultTwoAndListsOpenDhtsMethodsWithoutQuotingTheName() {
        XmlRpcFault fault = fault(call(gateway, "system.QUOTED", KEY));

        assertEquals(XmlRpcFault.UNKNOWN_METHOD, fault.code());
        assertEquals("unknown method; OpenDHT's methods are put, put_removable, get, get_details and rm",
                fault.getMessage());
    }

    @Test
    void tooFewArgumentsIsABadArgumentsFaultListingTheParameters() {
        XmlRpcFault fault = fault(call(gateway, "put", KEY, bytes("v"), 60));

        assertEquals(XmlRpcFault.BAD_ARGUMENTS, fault.code());
        assertEquals("put takes 4 arguments (key, value, ttl, application), not 3", fault.getMessage());
    }

    @Test
    void tooManyArgumentsIsABadArgumentsFault() {
        XmlRpcFault fault = fault(call(gateway, "get", KEY, 10, new byte[0], "app", "extra"));

        assertEquals("get takes 4 arguments (key, maxvals, placemark, application), not 5", fault.getMessage());
    }

    @Test
    void aStringKeyIsABadArgumentsFaultBecauseOpenDhtKeysAreBase64() {
        XmlRpcFault fault = fault(call(gateway, "put", "plain text key", bytes("v"), 60, "app"));

        assertEquals(XmlRpcFault.BAD_ARGUMENTS, fault.code());
        assertEquals("argument 1 (key) of put must be base64, not string", fault.getMessage());
    }

    @Test
    void wrongTypesAreNamedByParameterAndType() {
        assertEquals("argument 3 (ttl) of put must be int, not double",
                fault(call(gateway, "put", KEY, bytes("v"), 60.0, "app")).getMessage());
        assertEquals("argument 4 (application) of get must be string, not int",
                fault(call(gateway, "get", KEY, 1, new byte[0], 7)).getMessage());
        assertEquals("argument 3 (hash_type) of put_removable must be string, not boolean",
                fault(call(gateway, "put_removable", KEY, bytes("v"), true, SECRET_HASH, 60, "app")).getMessage());
        assertEquals("argument 2 (value_hash) of rm must be base64, not array",
                fault(call(gateway, "rm", KEY, List.of(), "SHA", bytes("s"), 60, "app")).getMessage());
        assertEquals("argument 3 (placemark) of get_details must be base64, not struct",
                fault(call(gateway, "get_details", KEY, 1, Map.of(), "app")).getMessage());
    }

    @Test
    void valuesTheDirectoryRefusesAreBadArgumentsFaultsWithItsReason() {
        assertRefused("ttl must be 1..604800 seconds", call(gateway, "put", KEY, bytes("v"), 0, "app"));
        assertRefused("key must be 1..20 bytes (hash longer names with SHA-1)",
                call(gateway, "put", new byte[21], bytes("v"), 60, "app"));
        assertRefused("value must be 1..1024 bytes", call(gateway, "put", KEY, new byte[1025], 60, "app"));
        assertRefused("hash_type must be \"SHA\"",
                call(gateway, "put_removable", KEY, bytes("v"), "MD5", SECRET_HASH, 60, "app"));
        assertRefused("secret_hash must be the 20-byte SHA-1 of the secret",
                call(gateway, "put_removable", KEY, bytes("v"), "SHA", new byte[19], 60, "app"));
        assertRefused("maxvals must be 1..1000", call(gateway, "get", KEY, 0, new byte[0], "app"));
        assertRefused("value_hash must be the 20-byte SHA-1 of the value",
                call(gateway, "rm", KEY, new byte[3], "SHA", bytes("s"), 60, "app"));
    }

    @Test
    void anOversizedBodyIsAMalformedRequestFault() {
        byte[] body = Arrays.copyOf(bytes(XmlRpcCodec.writeCall(new MethodCall("put", List.of()))),
                XmlRpcCodec.MAX_BODY_BYTES + 1);

        XmlRpcFault fault = fault(gateway.handle(body, GatewayFixture.CLIENT));

        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
        assertEquals("request body over 65536 bytes", fault.getMessage());
    }

    @Test
    void anEndlessBodyStreamIsCutOffAtTheLimit() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }
        };

        String response = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> gateway.handle(endless, GatewayFixture.CLIENT));

        assertEquals("request body over 65536 bytes", fault(response).getMessage());
    }

    @Test
    void aFailingStoreIsAnInternalErrorFaultThatRevealsNothing() {
        ValueStore broken = (ValueStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ValueStore.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("connection to QUOTED-INTERNALS refused");
                });
        Logger log = Logger.getLogger(OpenDhtGateway.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.OFF); // the failure is logged; keep the test output quiet
        try {
            String response = call(GatewayFixture.gatewayOn(broken), "put", KEY, bytes("v"), 60, "app");

            XmlRpcFault fault = fault(response);
            assertEquals(XmlRpcFault.INTERNAL_ERROR, fault.code());
            assertEquals("internal error", fault.getMessage());
        } finally {
            log.setLevel(level);
        }
    }

    private static void assertRefused(String reason, String response) {
        XmlRpcFault fault = fault(response);
        assertEquals(XmlRpcFault.BAD_ARGUMENTS, fault.code());
        assertEquals(reason, fault.getMessage());
    }

    /** The fault in {@code response}, which must not quote the request nor carry a stack trace. */
    private static XmlRpcFault fault(String response) {
        assertFalse(response.contains("QUOTED"), response);
        assertFalse(response.contains("Exception"), response);
        assertFalse(response.contains("\tat "), response);
        return Responses.fault(response);
    }
}
