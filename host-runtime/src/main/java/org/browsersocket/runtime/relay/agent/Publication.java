package org.browsersocket.runtime.relay.agent;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.browsersocket.runtime.relay.RelayMessage;

/**
 * A response a page publishes through its registrant's link ({@link RelayMessage.Publish}), from
 * its announcement until its end: the body is stored as it arrives, and the entry, once whole,
 * replaces whatever was stored at that path. Used on the link's event loop.
 */
public final class Publication {
    private final CacheStore cache;
    private final RelayMessage.Publish publish;
    private final List<List<String>> kept;
    private CacheStore.Writer writer;
    private String refused;
    private long received;

    private Publication(CacheStore cache, RelayMessage.Publish publish, List<List<String>> kept,
                        CacheStore.Writer writer, String refused) {
        this.cache = cache;
        this.publish = publish;
        this.kept = kept;
        this.writer = writer;
        this.refused = refused;
    }

    /**
     * Starts receiving {@code publish} from the registrant whose key hash is {@code owner}. It is
     * refused (its body then only read and dropped) unless the relay keeps a cache, the prefix is
     * the registrant's (routed by it, now or when its entries were stored), and the response may
     * be shared and fits.
     */
    public static Publication begin(CacheStore cache, String owner, RelayMessage.Publish publish) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (List<String> pair : publish.headers()) {
            try {
                headers.add(pair.get(0), pair.get(1));
            } catch (IllegalArgumentException e) {
                return refused(publish, "a header field is not valid: " + e.getMessage());
            }
        }
        if (cache == null) {
            return refused(publish, "this relay keeps no copies");
        }
        if (!owner.equals(cache.ownerOf(publish.prefix()))) {
            return refused(publish, "the prefix is not routed here by this runtime");
        }
        String why = Storability.publishRefusal(headers);
        if (why != null) {
            return refused(publish, why);
        }
        if (publish.length() > cache.entryBytes()) {
            return refused(publish, "larger than the " + cache.entryBytes() + " bytes this relay keeps of one response");
        }
        CacheStore.Writer writer = cache.begin(key(publish.prefix(), publish.path()), publish.prefix(), List.of());
        if (writer == null) {
            return refused(publish, "the relay is busy storing; try again");
        }
        return new Publication(cache, publish, StoredResponse.kept(headers), writer, null);
    }

    private static Publication refused(RelayMessage.Publish publish, String why) {
        return new Publication(null, publish, List.of(), null, why);
    }

    /** The request target a published path answers: the prefix ends with "/", the path starts with one. */
    static String key(String prefix, String path) {
        return prefix + path.substring(1);
    }

    public long id() {
        return publish.id();
    }

    /** The next piece of the body (its reader index untouched). */
    public void write(ByteBuf piece) {
        received += piece.readableBytes();
        if (writer == null) {
            return;
        }
        if (received > publish.length()) {
            abandon("more body than announced");
        } else if (!writer.write(piece)) {
            writer = null;
            refused = "it could not be stored";
        }
    }

    /** The body is complete: stores it. Returns null if stored, else why not. */
    public String end() {
        if (writer == null) {
            return refused;
        }
        if (received != publish.length()) {
            abandon("the body was " + received + " bytes, not the " + publish.length() + " announced");
            return refused;
        }
        long now = cache.now();
        StoredResponse stored = writer.commit(publish.status(), kept, now, now, true);
        writer = null;
        return stored != null ? null : "it does not fit in this registrant's share of the cache";
    }

    /** The link went before the end: nothing is stored. */
    public void abandon(String why) {
        if (writer != null) {
            writer.abandon();
            writer = null;
        }
        refused = why;
    }
}
