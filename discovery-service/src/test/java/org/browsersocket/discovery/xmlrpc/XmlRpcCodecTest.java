package org.browsersocket.discovery.xmlrpc;

import static org.browsersocket.discovery.xmlrpc.GatewayFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading calls and writing responses, value types, and what the codec refuses. */
class XmlRpcCodecTest {

    @Test
    void parsesTheMethodNameAndEveryValueType() {
        MethodCall call = XmlRpcCodec.parseCall(bytes("""
                <?xml version="1.0"?>
                <methodCall>
                  <methodName>get_details</methodName>
                  <params>
                    <param><value><string>typed &amp; escaped</string></value></param>
                    <param><value>bare text</value></param>
                    <param><value><int>-42</int></value></param>
                    <param><value><i4>+7</i4></value></param>
                    <param><value><boolean>1</boolean></value></param>
                    <param><value><double>-1.5</double></value></param>
                    <param><value><base64>aGVs
                      bG8=</base64></value></param>
                    <param><value><array><data>
                      <value><int>1</int></value><value>two</value>
                    </data></array></value></param>
                    <param><value><struct>
                      <member><name>n</name><value><i4>3</i4></value></member>
                      <member><name>s</name><value><array><data/></array></value></member>
                    </struct></value></param>
                  </params>
                </methodCall>
                """));

        assertEquals("get_details", call.method());
        List<Object> p = call.params();
        assertEquals(9, p.size());
        assertEquals("typed & escaped", p.get(0));
        assertEquals("bare text", p.get(1));
        assertEquals(-42, p.get(2));
        assertEquals(7, p.get(3));
        assertEquals(true, p.get(4));
        assertEquals(-1.5, p.get(5));
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), (byte[]) p.get(6));
        assertEquals(List.of(1, "two"), p.get(7));
        assertEquals(Map.of("n", 3, "s", List.of()), p.get(8));
    }

    @Test
    void emptyValuesAreEmptyStringsAndEmptyBase64IsNoBytes() {
        MethodCall call = XmlRpcCodec.parseCall(bytes("<methodCall><methodName>m</methodName><params>"
                + "<param><value></value></param><param><value/></param>"
                + "<param><value><string/></value></param><param><value><base64/></value></param>"
                + "</params></methodCall>"));

        assertEquals(List.of("", "", ""), call.params().subList(0, 3));
        assertArrayEquals(new byte[0], (byte[]) call.params().get(3));
    }

    @Test
    void aCallWithoutParamsHasNoParameters() {
        assertEquals(new MethodCall("system.listMethods", List.of()),
                XmlRpcCodec.parseCall(bytes("<methodCall><methodName>system.listMethods</methodName></methodCall>")));
    }

    @Test
    void callsRoundTripThroughWriteAndParse() {
        Map<String, Object> struct = new LinkedHashMap<>();
        struct.put("markup <&>", "]]> \"quotes\" 'apostrophes'");
        struct.put("nested", List.of(List.of(1, 2), Map.of("deep", true)));
        List<Object> params = List.of("line\r\nbreaks\tand tabs", "  spaced  ", "é ü 中文 🎉", "", 0,
                Integer.MIN_VALUE, Integer.MAX_VALUE, false, 0.1, -123456789.125, new byte[] {0, -1, 127, -128},
                new byte[0], List.of(), struct);

        MethodCall back = XmlRpcCodec.parseCall(bytes(XmlRpcCodec.writeCall(new MethodCall("put", params))));

        assertEquals("put", back.method());
        assertEquals(params.size(), back.params().size());
        for (int i = 0; i < params.size(); i++) {
            assertSameValue(params.get(i), back.params().get(i));
        }
    }

    @Test
    void responsesRoundTripThroughTheParser() {
        List<Object> value = List.of(List.of(new byte[] {1, 2, 3}, 3600, "SHA", new byte[0]), new byte[] {9});

        List<?> back = Responses.list(XmlRpcCodec.writeResponse(value));

        assertEquals(2, back.size());
        List<?> details = (List<?>) back.get(0);
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) details.get(0));
        assertEquals(List.of(3600, "SHA"), details.subList(1, 3));
        assertArrayEquals(new byte[0], (byte[]) details.get(3));
        assertArrayEquals(new byte[] {9}, (byte[]) back.get(1));
    }

    @Test
    void faultsCarryAnIntCodeAndAStringMessage() {
        String response = XmlRpcCodec.writeFault(3, "bad <input> & more");

        assertTrue(response.contains("<name>faultCode</name><value><int>3</int></value>"), response);
        XmlRpcFault fault = Responses.fault(response);
        assertEquals(3, fault.code());
        assertEquals("bad <input> & more", fault.getMessage());
    }

    @Test
    void writtenTextIsAsciiWithCharacterReferences() {
        String response = XmlRpcCodec.writeResponse("é\r\u0001🎉");

        assertTrue(response.chars().allMatch(c -> c < 0x80), response);
        assertTrue(response.contains("<string>&#233;&#13;&#65533;&#127881;</string>"), response);
        assertEquals("é\r\uFFFD🎉", Responses.value(response));
    }

    @Test
    void doublesAreWrittenWithoutExponents() {
        assertTrue(XmlRpcCodec.writeResponse(1e20).contains("<double>100000000000000000000</double>"));
        assertTrue(XmlRpcCodec.writeResponse(1e-7).contains("<double>0.00000010</double>")
                || XmlRpcCodec.writeResponse(1e-7).contains("<double>0.0000001</double>"));
    }

    @Test
    void valuesWithoutAnXmlRpcTypeAreNotWritten() {
        assertThrows(IllegalArgumentException.class, () -> XmlRpcCodec.writeResponse(5L));
        assertThrows(IllegalArgumentException.class, () -> XmlRpcCodec.writeResponse(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> XmlRpcCodec.writeResponse(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class,
                () -> XmlRpcCodec.writeCall(new MethodCall("no spaces allowed", List.of())));
    }

    /** Each is refused as malformed, and the fault does not quote it (every input holds "SECRET"). */
    @ParameterizedTest
    @ValueSource(strings = {
        "<methodCall><methodName>SECRET</methodName><params><param><value><int>SECRET</int></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><int>2147483648</int></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><int>1.5</int></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><int>\u0661</int></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><boolean>true</boolean></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><double>NaN</double></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><double>1.5d</double></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><base64>SECRET!!</base64></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><SECRET>1</SECRET></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><nil/></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><dateTime.iso8601>20250101T00:00:00</dateTime.iso8601></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value>SECRET<int>1</int></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><int>1</int><int>2</int></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><string><b>SECRET</b></string></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><array><value>1</value></array></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><array><data><SECRET/></data></array></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><param><value><struct><member><name>SECRET</name><value>1</value></member><member><name>SECRET</name><value>2</value></member></struct></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param>SECRET</param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value>1</value><value>2</value></param></params></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params><SECRET/></params></methodCall>",
        "<methodCall><params/><methodName>m</methodName></methodCall><!--SECRET-->",
        "<methodCall><methodName>m</methodName><params/><SECRET/></methodCall>",
        "<methodCall><methodName></methodName></methodCall><!--SECRET-->",
        "<methodCall><methodName>SECRET with spaces</methodName></methodCall>",
        "<methodCall>SECRET</methodCall>",
        "<methodResponse><params/></methodResponse><!--SECRET-->",
        "<SECRET/>",
        "<methodCall><methodName>SECRET</methodName>",
        "<methodCall><methodName>SECRET</methodName></methodCall><SECRET/>",
        "SECRET",
        "<methodCall><methodName>&SECRET;</methodName></methodCall>",
    })
    void malformedCallsAreRefusedWithoutQuotingThem(String xml) {
        XmlRpcFault fault = assertThrows(XmlRpcFault.class, () -> XmlRpcCodec.parseCall(bytes(xml)));

        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
        assertFalse(fault.getMessage().isBlank());
        assertFalse(fault.getMessage().contains("SECRET"), fault.getMessage());
    }

    @Test
    void notWellFormedXmlIsReportedByLineAndColumn() {
        XmlRpcFault fault = assertThrows(XmlRpcFault.class,
                () -> XmlRpcCodec.parseCall(bytes("<methodCall>\n  <methodName>m</wrong>\n</methodCall>")));

        assertTrue(fault.getMessage().startsWith("malformed XML at line 2, column "), fault.getMessage());
    }

    @Test
    void valuesNestedTooDeeplyAreRefused() {
        String ok = "<value>" + "<array><data><value>".repeat(ValueReader.MAX_DEPTH) + "x"
                + "</value></data></array>".repeat(ValueReader.MAX_DEPTH) + "</value>";
        String deep = "<value>" + "<array><data><value>".repeat(ValueReader.MAX_DEPTH + 1) + "x"
                + "</value></data></array>".repeat(ValueReader.MAX_DEPTH + 1) + "</value>";

        XmlRpcCodec.parseCall(bytes(call(ok)));
        XmlRpcFault fault = assertThrows(XmlRpcFault.class, () -> XmlRpcCodec.parseCall(bytes(call(deep))));
        assertEquals("values nested deeper than 32 levels", fault.getMessage());
    }

    @Test
    void bodiesOverTheLimitAreRefusedUnparsedAndBodiesAtTheLimitAreRead() {
        String start = "<methodCall><methodName>m</methodName></methodCall>";
        byte[] atLimit = bytes(start + " ".repeat(XmlRpcCodec.MAX_BODY_BYTES - start.length()));
        byte[] overLimit = Arrays.copyOf(bytes("<not even xml"), XmlRpcCodec.MAX_BODY_BYTES + 1);

        assertEquals("m", XmlRpcCodec.parseCall(atLimit).method());
        XmlRpcFault fault = assertThrows(XmlRpcFault.class, () -> XmlRpcCodec.parseCall(overLimit));
        assertEquals("request body over 65536 bytes", fault.getMessage());
    }

    @Test
    void anEmptyBodyIsRefused() {
        XmlRpcFault fault = assertThrows(XmlRpcFault.class, () -> XmlRpcCodec.parseCall(new byte[0]));
        assertEquals(XmlRpcFault.MALFORMED_REQUEST, fault.code());
    }

    @Test
    void theXmlDeclarationsEncodingIsHonoured() {
        byte[] latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>m</methodName><params><param><value>caf\u00e9</value></param></params></methodCall>"
                .getBytes(StandardCharsets.ISO_8859_1);

        assertEquals(List.of("café"), XmlRpcCodec.parseCall(latin1).params());
    }

    private static String call(String value) {
        return "<methodCall><methodName>m</methodName><params><param>" + value + "</param></params></methodCall>";
    }

    private static void assertSameValue(Object expected, Object actual) {
        if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, assertInstanceOf(byte[].class, actual));
        } else if (expected instanceof List<?> list) {
            List<?> back = assertInstanceOf(List.class, actual);
            assertEquals(list.size(), back.size());
            for (int i = 0; i < list.size(); i++) {
                assertSameValue(list.get(i), back.get(i));
            }
        } else {
            assertEquals(expected, actual);
        }
    }
}
