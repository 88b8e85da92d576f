package org.browsersocket.runtime.relay;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A text frame on the link between a relay and a runtime registered with it (a registrant), as
 * JSON with a {@code "type"} discriminator. Peers' bytes never travel on the link: each relayed
 * peer gets a connection of its own from the registrant to the relay (see {@link RelayPaths}).
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

    /** Relay → registrant: registered, with the limits that apply to it. */
    record Welcome(int maxRoutes, int maxConnections, long bytesPerSecond) implements RelayMessage {}

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

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
