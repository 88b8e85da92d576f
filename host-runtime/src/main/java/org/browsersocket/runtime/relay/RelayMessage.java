package org.browsersocket.runtime.relay;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * A text frame on the link between a relay and a runtime registered with it (a registrant), as
 * JSON with a {@code "type"} discriminator. Peers' bytes never travel on the link: each relayed
 * peer gets a connection of its own from the registrant to the relay (see {@link RelayPaths}).
 * Binary frames on the link carry only the body of a {@link Publish}, between it and its
 * {@link PublishEnd} ({@link RelayCodec#bodyFrames}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RelayMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = RelayMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = RelayMessage.Add.class, name = "add"),
    @JsonSubTypes.Type(value = RelayMessage.Added.class, name = "added"),
    @JsonSubTypes.Type(value = RelayMessage.Refused.class, name = "refused"),
    @JsonSubTypes.Type(value = RelayMessage.Remove.class, name = "remove"),
    @JsonSubTypes.Type(value = RelayMessage.Dial.class, name = "dial"),
    @JsonSubTypes.Type(value = RelayMessage.Synced.class, name = "synced"),
    @JsonSubTypes.Type(value = RelayMessage.Publish.class, name = "publish"),
    @JsonSubTypes.Type(value = RelayMessage.PublishEnd.class, name = "end"),
    @JsonSubTypes.Type(value = RelayMessage.Stored.class, name = "stored"),
    @JsonSubTypes.Type(value = RelayMessage.Purge.class, name = "purge"),
    @JsonSubTypes.Type(value = RelayMessage.Purged.class, name = "purged"),
})
public sealed interface RelayMessage {
    /**
     * Registrant → relay, first: {@code key} is the registrant's secret (base64url, 32 bytes); the
     * relay keeps only its hash, and a route belongs to the key that added it.
     */
    record Hello(String key) implements RelayMessage {
        public Hello {
            require(key != null && key.matches("[A-Za-z0-9_-]{43}"), "hello needs a 32-byte base64url key");
        }
    }

    /**
     * Relay → registrant: registered, with the limits that apply to it. {@code maxPublishBytes}: the
     * largest response the relay keeps for a page ({@link Publish}); null when it keeps none (it
     * has no cache, or predates caching).
     */
    record Welcome(int maxRoutes, int maxConnections, long bytesPerSecond, Long maxPublishBytes)
            implements RelayMessage {}

    /** Registrant → relay: peers asking for {@code prefix} are to be passed to me. */
    record Add(String prefix) implements RelayMessage {
        public Add {
            require(prefix != null && prefix.length() <= 64, "add needs a prefix");
        }
    }

    /** Relay → registrant: the route is in place. */
    record Added(String prefix) implements RelayMessage {}

    /** Relay → registrant: the route was refused (taken by another registrant, over the limit…). */
    record Refused(String prefix, String reason) implements RelayMessage {}

    /**
     * Registrant → relay, after its adds following a welcome: those were all its routes. Routes it
     * held before reconnecting and did not add again (their listeners stopped meanwhile) go.
     */
    record Synced() implements RelayMessage {}

    /** Registrant → relay: the listener of {@code prefix} stopped. */
    record Remove(String prefix) implements RelayMessage {
        public Remove {
            require(prefix != null && prefix.length() <= 64, "remove needs a prefix");
        }
    }

    /**
     * Relay → registrant: a peer from {@code remoteAddress} asks for {@code prefix}, one of yours;
     * open a connection to the relay's attach path for {@code stream} to receive it.
     */
    record Dial(String stream, String prefix, String remoteAddress) implements RelayMessage {}

    /**
     * Registrant → relay: a page hands the relay a response to serve at {@code prefix + path}
     * (path starting with "/") as if the page had answered it, also while the page is away.
     * {@code headers}: {@code [name, value]} pairs. Its {@code length} bytes of body follow in
     * binary frames, then {@link PublishEnd}; nothing else binary comes in between. The relay
     * answers {@link Stored}.
     */
    record Publish(long id, String prefix, String path, int status, List<List<String>> headers, long length)
            implements RelayMessage {
        public Publish {
            require(prefix != null && prefix.length() <= 64, "publish needs a prefix");
            require(path != null && path.startsWith("/") && path.length() <= 2048
                    && path.chars().allMatch(c -> c > 0x20 && c < 0x7f), "publish needs a path starting with /");
            require(status >= 200 && status <= 599, "publish needs a status of 200..599");
            require(headers != null && headers.size() <= 256 && headers.stream().allMatch(pair -> pair != null
                    && pair.size() == 2 && pair.get(0) != null && pair.get(1) != null), "publish headers are [name, value] pairs");
            headers = headers.stream().map(List::copyOf).toList();
            require(length >= 0, "publish needs a length");
        }
    }

    /** Registrant → relay: the body of publish {@code id} is complete. */
    record PublishEnd(long id) implements RelayMessage {}

    /** Relay → registrant: publish {@code id} is stored; or not, {@code refused} saying why. */
    record Stored(long id, String refused) implements RelayMessage {}

    /**
     * Registrant → relay: forget what is kept at {@code prefix + path}, or everything under
     * {@code prefix} (path null). The relay answers {@link Purged}.
     */
    record Purge(long id, String prefix, String path) implements RelayMessage {
        public Purge {
            require(prefix != null && prefix.length() <= 64, "purge needs a prefix");
            require(path == null || (path.startsWith("/") && path.length() <= 2048), "a purge path starts with /");
        }
    }

    /** Relay → registrant: purge {@code id} removed {@code entries} stored responses; or was {@code refused}. */
    record Purged(long id, int entries, String refused) implements RelayMessage {}

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
