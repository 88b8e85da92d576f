package org.browsersocket.discovery.xmlrpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * Reads XML-RPC {@code <methodCall>}s and writes {@code <methodResponse>}s, with the JDK's XML
 * parser locked down by {@link SecureXml}. Values map to Java as {@link MethodCall} describes.
 * Every problem with a call is an {@link XmlRpcFault} with a readable message that does not quote
 * the input.
 */
public final class XmlRpcCodec {
    /** Largest request body read: 64 KiB, far above OpenDHT's largest call (a 1 KiB value). */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The content type of XML-RPC requests and responses. */
    public static final String CONTENT_TYPE = "text/xml";

    private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    /** The characters the XML-RPC specification allows in a method name. */
    private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z0-9_.:/]{1,256}");

    private XmlRpcCodec() {}

    /** The call in {@code body}, refused unread when over {@link #MAX_BODY_BYTES}. */
    public static MethodCall parseCall(byte[] body) {
        if (body == null || body.length == 0) {
            throw XmlRpcFault.malformed("empty request: expected an XML-RPC <methodCall>");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw XmlRpcFault.malformed("request body over " + MAX_BODY_BYTES + " bytes");
        }
        Element root = SecureXml.parse(body).getDocumentElement();
        if (!root.getTagName().equals("methodCall")) {
            throw XmlRpcFault.malformed("not an XML-RPC call: the root element must be <methodCall>");
        }
        List<Element> parts = ValueReader.elements(root, false);
        if (parts.isEmpty() || parts.size() > 2 || !parts.get(0).getTagName().equals("methodName")
                || (parts.size() == 2 && !parts.get(1).getTagName().equals("params"))) {
            throw XmlRpcFault.malformed("a <methodCall> holds a <methodName> and optionally <params>");
        }
        String method = ValueReader.text(parts.get(0)).strip();
        if (!METHOD_NAME.matcher(method).matches()) {
            throw XmlRpcFault.malformed("a <methodName> is 1 to 256 of the characters A-Z a-z 0-9 _ . : /");
        }
        return new MethodCall(method, parts.size() == 2 ? readParams(parts.get(1)) : List.of());
    }

    private static List<Object> readParams(Element params) {
        List<Object> values = new ArrayList<>();
        for (Element param : ValueReader.named(ValueReader.elements(params, false), "param",
                "<params> holds <param>s only")) {
            List<Element> value = ValueReader.elements(param, false);
            if (value.size() != 1 || !value.get(0).getTagName().equals("value")) {
                throw XmlRpcFault.malformed("a <param> holds one <value>");
            }
            values.add(ValueReader.read(value.get(0)));
        }
        return values;
    }

    /** The {@code <methodCall>} text of {@code call} (for clients and round-trip tests). */
    public static String writeCall(MethodCall call) {
        if (!METHOD_NAME.matcher(call.method()).matches()) {
            throw new IllegalArgumentException("not an XML-RPC method name");
        }
        StringBuilder out = new StringBuilder(DECLARATION).append("<methodCall><methodName>")
                .append(call.method()).append("</methodName><params>");
        for (Object param : call.params()) {
            out.append("<param>");
            ValueWriter.write(out, param);
            out.append("</param>");
        }
        return out.append("</params></methodCall>").toString();
    }

    /** A successful {@code <methodResponse>} carrying {@code value}. */
    public static String writeResponse(Object value) {
        StringBuilder out = new StringBuilder(DECLARATION).append("<methodResponse><params><param>");
        ValueWriter.write(out, value);
        return out.append("</param></params></methodResponse>").toString();
    }

    /** A {@code <methodResponse>} holding a {@code <fault>} with {@code faultCode} and {@code faultString}. */
    public static String writeFault(int code, String message) {
        StringBuilder out = new StringBuilder(DECLARATION).append("<methodResponse><fault>");
        Map<String, Object> fault = new LinkedHashMap<>();
        fault.put("faultCode", code);
        fault.put("faultString", message);
        ValueWriter.write(out, fault);
        return out.append("</fault></methodResponse>").toString();
    }

    /** {@link #writeFault(int, String)} for {@code fault}. */
    public static String writeFault(XmlRpcFault fault) {
        return writeFault(fault.code(), fault.getMessage());
    }
}
