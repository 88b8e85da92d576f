package org.browsersocket.discovery.xmlrpc;

import java.util.List;
import java.util.Map;

/**
 * The arguments of one call, checked against the method's parameter list: the right number, and
 * each of the right XML-RPC type. Faults name the method, the parameter and the types (never the
 * values).
 */
final class Arguments {
    private final String method;
    private final List<String> names;
    private final List<Object> values;

    private Arguments(String method, List<String> names, List<Object> values) {
        this.method = method;
        this.names = names;
        this.values = values;
    }

    /** {@code call}'s arguments, which must be exactly as many as {@code names}. */
    static Arguments of(MethodCall call, String... names) {
        if (call.params().size() != names.length) {
            throw new XmlRpcFault(XmlRpcFault.BAD_ARGUMENTS, call.method() + " takes " + names.length
                    + " arguments (" + String.join(", ", names) + "), not " + call.params().size());
        }
        return new Arguments(call.method(), List.of(names), call.params());
    }

    byte[] base64(int index) {
        return typed(index, byte[].class, "base64");
    }

    int integer(int index) {
        return typed(index, Integer.class, "int");
    }

    String string(int index) {
        return typed(index, String.class, "string");
    }

    private <T> T typed(int index, Class<T> type, String typeName) {
        Object value = values.get(index);
        if (!type.isInstance(value)) {
            throw new XmlRpcFault(XmlRpcFault.BAD_ARGUMENTS, "argument " + (index + 1) + " (" + names.get(index)
                    + ") of " + method + " must be " + typeName + ", not " + typeName(value));
        }
        return type.cast(value);
    }

    /** The XML-RPC type name of a decoded value. */
    private static String typeName(Object value) {
        if (value instanceof byte[]) {
            return "base64";
        } else if (value instanceof Integer) {
            return "int";
        } else if (value instanceof Boolean) {
            return "boolean";
        } else if (value instanceof Double) {
            return "double";
        } else if (value instanceof List) {
            return "array";
        } else if (value instanceof Map) {
            return "struct";
        }
        return "string";
    }
}
