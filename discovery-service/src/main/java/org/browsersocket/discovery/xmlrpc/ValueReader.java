package org.browsersocket.discovery.xmlrpc;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Turns a parsed {@code <value>} into a Java value: {@code <string>} or bare text → String,
 * {@code <int>}/{@code <i4>} → Integer, {@code <boolean>} (0/1) → Boolean, {@code <double>} →
 * Double, {@code <base64>} → byte[], {@code <array>} → List, {@code <struct>} → Map (member
 * order kept). Anything else is a malformed-request fault whose message does not quote the input.
 */
final class ValueReader {
    /** Deepest nesting of arrays and structs accepted. */
    static final int MAX_DEPTH = 32;

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern XML_SPACE = Pattern.compile("[ \t\r\n]*");

    private ValueReader() {}

    /** The Java value of {@code value}, a {@code <value>} element. */
    static Object read(Element value) {
        return read(value, 0);
    }

    private static Object read(Element value, int depth) {
        if (depth > MAX_DEPTH) {
            throw XmlRpcFault.malformed("values nested deeper than " + MAX_DEPTH + " levels");
        }
        List<Element> typed = elements(value, true);
        if (typed.isEmpty()) {
            return value.getTextContent(); // A bare <value>text</value> is a string.
        }
        if (typed.size() > 1 || hasText(value)) {
            throw XmlRpcFault.malformed("a <value> holds one typed value or plain text");
        }
        Element element = typed.get(0);
        return switch (element.getTagName()) {
            case "array" -> readArray(element, depth);
            case "struct" -> readStruct(element, depth);
            case "string", "int", "i4", "boolean", "double", "base64" -> readScalar(element);
            default -> throw XmlRpcFault.malformed(
                    "unsupported value type (supported: string, int, i4, boolean, double, base64, array, struct)");
        };
    }

    private static Object readScalar(Element element) {
        String type = element.getTagName(); // one of the supported names, so safe to quote
        if (!elements(element, true).isEmpty()) {
            throw XmlRpcFault.malformed("<" + type + "> holds text only");
        }
        String text = element.getTextContent();
        return switch (type) {
            case "int", "i4" -> readInt(text);
            case "boolean" -> readBoolean(text);
            case "double" -> readDouble(text);
            case "base64" -> readBase64(text);
            default -> text;
        };
    }

    private static List<Object> readArray(Element array, int depth) {
        List<Element> data = elements(array, false);
        if (data.size() != 1 || !data.get(0).getTagName().equals("data")) {
            throw XmlRpcFault.malformed("an <array> holds one <data>");
        }
        List<Object> items = new ArrayList<>();
        for (Element item : named(elements(data.get(0), false), "value", "<data> holds <value>s only")) {
            items.add(read(item, depth + 1));
        }
        return items;
    }

    private static Map<String, Object> readStruct(Element struct, int depth) {
        Map<String, Object> members = new LinkedHashMap<>();
        for (Element member : named(elements(struct, false), "member", "a <struct> holds <member>s only")) {
            List<Element> parts = elements(member, false);
            if (parts.size() != 2 || !parts.get(0).getTagName().equals("name")
                    || !parts.get(1).getTagName().equals("value")) {
                throw XmlRpcFault.malformed("a <member> holds a <name> then a <value>");
            }
            String name = text(parts.get(0));
            if (members.put(name, read(parts.get(1), depth + 1)) != null) {
                throw XmlRpcFault.malformed("a <struct> names a member twice");
            }
        }
        return members;
    }

    private static Integer readInt(String text) {
        String digits = text.strip();
        if (INTEGER.matcher(digits).matches()) {
            try {
                return Integer.valueOf(digits);
            } catch (NumberFormatException outOfRange) {
                // falls through to the fault below
            }
        }
        throw XmlRpcFault.malformed("an <int> must be a 32-bit signed integer");
    }

    private static Boolean readBoolean(String text) {
        return switch (text.strip()) {
            case "0" -> Boolean.FALSE;
            case "1" -> Boolean.TRUE;
            default -> throw XmlRpcFault.malformed("a <boolean> must be 0 or 1");
        };
    }

    private static Double readDouble(String text) {
        String number = text.strip();
        if (DECIMAL.matcher(number).matches()) {
            double value = Double.parseDouble(number);
            if (Double.isFinite(value)) {
                return value;
            }
        }
        throw XmlRpcFault.malformed("a <double> must be a finite decimal number");
    }

    private static byte[] readBase64(String text) {
        try {
            // Some clients wrap base64 over several lines, MIME style.
            return Base64.getDecoder().decode(XML_SPACE.matcher(text).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw XmlRpcFault.malformed("a <base64> value is not valid base64");
        }
    }

    /**
     * The text of {@code element}, which must hold text only: markup inside is a fault (and is
     * never walked, however deep it goes). The element's name is quoted, so callers pass only
     * elements whose name they checked.
     */
    static String text(Element element) {
        if (!elements(element, true).isEmpty()) {
            throw XmlRpcFault.malformed("a <" + element.getTagName() + "> holds text only");
        }
        return element.getTextContent();
    }

    /**
     * The child elements of {@code parent}. Where only elements may appear ({@code mixed} false),
     * text other than white space is a fault; the fault names {@code parent}, so callers pass only
     * elements whose name they checked.
     */
    static List<Element> elements(Element parent, boolean mixed) {
        List<Element> children = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element) {
                children.add(element);
            }
        }
        if (!mixed && hasText(parent)) {
            throw XmlRpcFault.malformed("unexpected text inside <" + parent.getTagName() + ">");
        }
        return children;
    }

    /** {@code children}, each checked to be a {@code <name>} element. */
    static List<Element> named(List<Element> children, String name, String otherwise) {
        for (Element child : children) {
            if (!child.getTagName().equals(name)) {
                throw XmlRpcFault.malformed(otherwise);
            }
        }
        return children;
    }

    private static boolean hasText(Element parent) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            boolean text = child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE;
            if (text && !XML_SPACE.matcher(child.getNodeValue()).matches()) {
                return true;
            }
        }
        return false;
    }
}
