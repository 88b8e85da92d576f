package org.browsersocket.discovery.xmlrpc;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes Java values as XML-RPC {@code <value>}s: String, Integer, Boolean, Double (finite),
 * byte[] (base64), List (array) and Map with String keys (struct). Output is pure ASCII: other
 * characters are written as character references, so the text survives any transport charset.
 */
final class ValueWriter {
    private ValueWriter() {}

    /** Appends {@code <value>...</value>} for {@code value}. */
    static void write(StringBuilder out, Object value) {
        out.append("<value>");
        if (value instanceof String text) {
            out.append("<string>");
            escape(out, text);
            out.append("</string>");
        } else if (value instanceof Integer number) {
            out.append("<int>").append(number).append("</int>");
        } else if (value instanceof Boolean flag) {
            out.append("<boolean>").append(flag ? '1' : '0').append("</boolean>");
        } else if (value instanceof Double number) {
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("XML-RPC has no NaN or infinite doubles");
            }
            // XML-RPC doubles have no exponent.
            out.append("<double>").append(BigDecimal.valueOf(number).toPlainString()).append("</double>");
        } else if (value instanceof byte[] bytes) {
            out.append("<base64>").append(Base64.getEncoder().encodeToString(bytes)).append("</base64>");
        } else if (value instanceof List<?> items) {
            out.append("<array><data>");
            items.forEach(item -> write(out, item));
            out.append("</data></array>");
        } else if (value instanceof Map<?, ?> members) {
            out.append("<struct>");
            members.forEach((name, member) -> writeMember(out, name, member));
            out.append("</struct>");
        } else {
            throw new IllegalArgumentException("no XML-RPC type for "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        out.append("</value>");
    }

    private static void writeMember(StringBuilder out, Object name, Object value) {
        if (!(name instanceof String text)) {
            throw new IllegalArgumentException("struct member names are strings");
        }
        out.append("<member><name>");
        escape(out, text);
        out.append("</name>");
        write(out, value);
        out.append("</member>");
    }

    /**
     * Appends {@code text} as XML character data. Markup characters, carriage returns (which
     * parsers would otherwise turn into line feeds) and non-ASCII characters become references;
     * characters XML 1.0 cannot carry at all become U+FFFD.
     */
    static void escape(StringBuilder out, String text) {
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\t', '\n' -> out.append((char) c);
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        out.append((char) c);
                    } else {
                        out.append("&#").append(allowedInXml(c) ? c : 0xFFFD).append(';');
                    }
                }
            }
        });
    }

    private static boolean allowedInXml(int c) {
        return c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
    }
}
