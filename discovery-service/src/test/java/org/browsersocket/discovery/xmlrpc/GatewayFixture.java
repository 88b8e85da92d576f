package org.browsersocket.discovery.xmlrpc;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.directory.ValueFeed;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.limits.WriteLimits;
import org.browsersocket.discovery.store.Capacity;
import org.browsersocket.discovery.store.Limits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.discovery.store.ValueStore;

/** Gateways for tests, and calls to them. */
final class GatewayFixture {
    /** The time every fixture gateway runs at, so TTLs left are exact (now, so the store's purge leaves values alone). */
    static final Clock CLOCK = Clock.fixed(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), ZoneOffset.UTC);

    private GatewayFixture() {}

    /** The one place the tests' store comes from: a real embedded store in a fresh directory under target/. */
    static ValueStore newStore() {
        try {
            java.nio.file.Path base = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "xmlrpc-stores"));
            return ValueStore.open(new StoreLocation.Embedded(java.nio.file.Files.createTempDirectory(base, "store")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A gateway on a fresh, empty store. */
    static OpenDhtGateway newGateway() {
        return gatewayOn(newStore());
    }

    /** Rate limits no fixture test reaches. */
    static final DiscoveryLimits GENEROUS = new DiscoveryLimits(1e6, 1e6, Long.MAX_VALUE, 8, 100);
    /** The client every fixture call comes from. */
    static final String CLIENT = "192.0.2.1";

    static OpenDhtGateway gatewayOn(ValueStore store) {
        return gatewayOn(store, GENEROUS);
    }

    static OpenDhtGateway gatewayOn(ValueStore store, DiscoveryLimits limits) {
        return new OpenDhtGateway(new Directory(store, CLOCK, ValueFeed.NONE, new WriteLimits(limits, System::nanoTime),
                new Capacity(Limits.MAX_VALUES_PER_KEY, limits.maxStoredBytes())));
    }

    /** {@code gateway}'s response to calling {@code method} with {@code params}, written by the codec. */
    static String call(OpenDhtGateway gateway, String method, Object... params) {
        return gateway.handle(bytes(XmlRpcCodec.writeCall(new MethodCall(method, List.of(params)))), CLIENT);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A 20-byte key, as OpenDHT clients make them from names. */
    static byte[] key(String name) {
        return Directory.keyOf(name);
    }
}
