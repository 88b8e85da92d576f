package org.browsersocket.discovery.xmlrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/** Reads {@code <methodResponse>}s in tests, with the codec's own parser and value reader. */
final class Responses {
    private Responses() {}

    /** The value of a successful response; fails the test if it is a fault. */
    static Object value(String response) {
        Element body = body(response);
        if (body.getTagName().equals("fault")) {
            XmlRpcFault fault = fault(response);
            fail("expected a value, got fault " + fault.code() + ": " + fault.getMessage());
        }
        assertEquals("params", body.getTagName());
        Element param = only(body, "param");
        return ValueReader.read(only(param, "value"));
    }

    /** The value of a successful response, as a list (an XML-RPC array). */
    static List<?> list(String response) {
        return (List<?>) value(response);
    }

    /** The fault of a fault response; fails the test if it is a value. */
    static XmlRpcFault fault(String response) {
        Element body = body(response);
        assertEquals("fault", body.getTagName(), () -> "expected a fault: " + response);
        Map<?, ?> fault = (Map<?, ?>) ValueReader.read(only(body, "value"));
        assertEquals(2, fault.size(), "a fault struct has faultCode and faultString only");
        return new XmlRpcFault((Integer) fault.get("faultCode"), (String) fault.get("faultString"));
    }

    private static Element body(String response) {
        assertTrue(response.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse>"), response);
        Element root = SecureXml.parse(response.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        assertEquals("methodResponse", root.getTagName());
        List<Element> children = ValueReader.elements(root, false);
        assertEquals(1, children.size());
        return children.get(0);
    }

    private static Element only(Element parent, String name) {
        List<Element> children = ValueReader.elements(parent, false);
        assertEquals(1, children.size());
        assertEquals(name, children.get(0).getTagName());
        return children.get(0);
    }
}
