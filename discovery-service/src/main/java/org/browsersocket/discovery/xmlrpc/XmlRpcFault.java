package org.browsersocket.discovery.xmlrpc;

/**
 * A call this server answers with an XML-RPC {@code <fault>}: a fault code and a message fit to
 * show the caller. Messages never quote the request (nor carry a stack trace).
 *
 * <p>Fault codes:
 * <ol>
 *   <li>{@link #BAD_ARGUMENTS}: wrong number or types of arguments, or values the directory
 *       refuses (sizes, TTL, hash type, wrong removal secret);
 *   <li>{@link #UNKNOWN_METHOD}: not one of OpenDHT's methods;
 *   <li>{@link #MALFORMED_REQUEST}: not a well-formed XML-RPC call (including a DOCTYPE, an
 *       unsupported value type, or a body over {@link XmlRpcCodec#MAX_BODY_BYTES});
 *   <li>{@link #INTERNAL_ERROR}: the server failed (logged on the server);
 *   <li>{@link #RATE_LIMITED}: a write over the client's rate limits (the message says which).
 * </ol>
 */
public final class XmlRpcFault extends RuntimeException {
    public static final int BAD_ARGUMENTS = 1;
    public static final int UNKNOWN_METHOD = 2;
    public static final int MALFORMED_REQUEST = 3;
    public static final int INTERNAL_ERROR = 4;
    public static final int RATE_LIMITED = 5;

    private final int code;

    public XmlRpcFault(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The XML-RPC {@code faultCode}. */
    public int code() {
        return code;
    }

    static XmlRpcFault malformed(String message) {
        return new XmlRpcFault(MALFORMED_REQUEST, message);
    }
}
