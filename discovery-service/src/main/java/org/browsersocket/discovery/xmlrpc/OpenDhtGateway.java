package org.browsersocket.discovery.xmlrpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.browsersocket.discovery.directory.BadRequest;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.directory.WrongSecret;
import org.browsersocket.discovery.limits.RateLimited;
import org.browsersocket.discovery.store.Page;
import org.browsersocket.discovery.store.StoredValue;
import org.browsersocket.discovery.store.ValueStore;

/**
 * OpenDHT's XML-RPC interface on a {@link Directory}, with OpenDHT's method names and argument
 * order; keys, values, hashes, secrets and placemarks are base64, as OpenDHT's clients send them.
 * <pre>
 * put(key, value, ttl:int, application:string) → int: 0 ok, 1 over capacity, 2 try again
 * put_removable(key, value, hash_type:"SHA", secret_hash, ttl:int, application) → int
 * get(key, maxvals:int, placemark, application) → [[value...], placemark]
 * get_details(key, maxvals, placemark, application)
 *     → [[[value, ttl_remaining:int, hash_type:string, secret_hash]...], placemark]
 * rm(key, value_hash, hash_type:"SHA", secret, ttl:int, application) → int: 0
 * </pre>
 * An empty placemark asks for the first values; an empty placemark back means there are no more.
 * {@code application} is required, as a string, and otherwise ignored.
 *
 * <p>{@code rm} answers 0 as OpenDHT did whenever its arguments are well-formed: also when the
 * value is not there (or no longer), and when the secret is wrong, in which case nothing is
 * removed (OpenDHT's clients do not expect a fault there; the JSON API refuses a wrong secret
 * plainly instead).
 *
 * <p>{@code put}, {@code put_removable} and {@code rm} are writes of the calling client, which
 * count against its rate limits (over them: fault {@link XmlRpcFault#RATE_LIMITED}); {@code get}
 * and {@code get_details} are not limited. A put refused because the whole store is full answers
 * 1, "over capacity", like a full key.
 *
 * <p>{@link #handle} answers every request with a {@code <methodResponse>}, faults included; over
 * HTTP that is status 200 with content type {@link XmlRpcCodec#CONTENT_TYPE}, as the XML-RPC
 * specification has it. Fault codes are listed in {@link XmlRpcFault}.
 */
public final class OpenDhtGateway {
    private static final Logger LOG = Logger.getLogger(OpenDhtGateway.class.getName());

    private final Directory directory;
    private final Map<String, BiFunction<MethodCall, String, Object>> methods = Map.of(
            "put", this::put,
            "put_removable", this::putRemovable,
            "get", (call, client) -> get(call, false),
            "get_details", (call, client) -> get(call, true),
            "rm", this::rm);

    public OpenDhtGateway(Directory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The XML-RPC response (text to send as UTF-8) to the request {@code body} from {@code client}
     * (an IPv4 address or IPv6 /64, for the rate limits). Never throws.
     */
    public String handle(byte[] body, String client) {
        try {
            return XmlRpcCodec.writeResponse(call(XmlRpcCodec.parseCall(body), client));
        } catch (XmlRpcFault fault) {
            return XmlRpcCodec.writeFault(fault);
        } catch (BadRequest refused) {
            return XmlRpcCodec.writeFault(XmlRpcFault.BAD_ARGUMENTS, refused.getMessage());
        } catch (RateLimited limited) {
            return XmlRpcCodec.writeFault(XmlRpcFault.RATE_LIMITED, limited.getMessage());
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "XML-RPC call failed", failure);
            return XmlRpcCodec.writeFault(XmlRpcFault.INTERNAL_ERROR, "internal error");
        }
    }

    /**
     * {@link #handle(byte[], String)} for a body read from {@code body}, reading at most one byte
     * more than {@link XmlRpcCodec#MAX_BODY_BYTES} (an oversized body is refused, not read to its
     * end). A body that cannot be read (the client left) is a malformed-request fault.
     */
    public String handle(InputStream body, String client) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(XmlRpcCodec.MAX_BODY_BYTES + 1);
        } catch (IOException unreadable) {
            return XmlRpcCodec.writeFault(XmlRpcFault.MALFORMED_REQUEST, "the request body could not be read");
        }
        return handle(bytes, client);
    }

    private Object call(MethodCall call, String client) {
        BiFunction<MethodCall, String, Object> method = methods.get(call.method());
        if (method == null) {
            throw new XmlRpcFault(XmlRpcFault.UNKNOWN_METHOD,
                    "unknown method; OpenDHT's methods are put, put_removable, get, get_details and rm");
        }
        return method.apply(call, client);
    }

    private Object put(MethodCall call, String client) {
        Arguments args = Arguments.of(call, "key", "value", "ttl", "application");
        byte[] key = args.base64(0);
        byte[] value = args.base64(1);
        int ttl = args.integer(2);
        args.string(3);
        return directory.put(client, key, value, ttl).code;
    }

    private Object putRemovable(MethodCall call, String client) {
        Arguments args = Arguments.of(call, "key", "value", "hash_type", "secret_hash", "ttl", "application");
        byte[] key = args.base64(0);
        byte[] value = args.base64(1);
        String hashType = args.string(2);
        byte[] secretHash = args.base64(3);
        int ttl = args.integer(4);
        args.string(5);
        return directory.putRemovable(client, key, value, hashType, secretHash, ttl).code;
    }

    private Object get(MethodCall call, boolean details) {
        Arguments args = Arguments.of(call, "key", "maxvals", "placemark", "application");
        byte[] key = args.base64(0);
        int maxValues = args.integer(1);
        byte[] placemark = args.base64(2);
        args.string(3);
        Page page = directory.get(key, maxValues, placemark);
        long now = directory.now();
        List<Object> values = new ArrayList<>();
        for (StoredValue value : page.values()) {
            values.add(details ? details(value, now) : value.value());
        }
        return List.of(values, page.placemark());
    }

    /**
     * {@code [value, ttl_remaining, hash_type, secret_hash]}. OpenDHT answers hash type "SHA" with
     * a zero secret hash for values put without a secret; this gateway sends "SHA" with an
     * <em>empty</em> secret hash for them, which no SHA-1 can be, so a client can tell them apart.
     */
    private static List<Object> details(StoredValue value, long now) {
        byte[] secretHash = value.secretHash() == null ? new byte[0] : value.secretHash();
        return List.of(value.value(), value.ttlRemaining(now), Directory.SHA, secretHash);
    }

    private Object rm(MethodCall call, String client) {
        Arguments args = Arguments.of(call, "key", "value_hash", "hash_type", "secret", "ttl", "application");
        byte[] key = args.base64(0);
        byte[] valueHash = args.base64(1);
        String hashType = args.string(2);
        byte[] secret = args.base64(3);
        int ttl = args.integer(4);
        args.string(5);
        try {
            return directory.remove(client, key, valueHash, hashType, secret, ttl).code;
        } catch (WrongSecret ignored) {
            return ValueStore.PutResult.OK.code; // OpenDHT's answer: the removal matched nothing
        }
    }
}
