package org.browsersocket.runtime.relay.link;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.browsersocket.runtime.Transport;
import org.browsersocket.runtime.page.Agents;
import org.browsersocket.runtime.routing.Router;

/**
 * This runtime's registrations with relays ({@code --via-relay}): every listener's prefix is
 * routed through each relay, for as long as the listener lives. All links present one key,
 * made at start, so that each relay knows the runtime again when it reconnects. The relays are
 * also its pages' agents: what a page publishes goes to every relay that routes its listener
 * and keeps copies.
 */
public final class RelayLinks implements AutoCloseable, Agents {
    private final List<RelayLink> links;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    /**
     * @param changed called when a registration comes or goes (the runtime's reachability changed)
     */
    public RelayLinks(List<URI> relays, String token, Transport transport, EventLoopGroup group, SslContext tls, Router<?> router,
                      AttachedPeerSink sink, Runnable changed) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.links = relays.stream().map(uri -> new RelayLink(uri, token, key, transport, group, tls, sink, bound, changed)).toList();
        router.watch(new Router.Bindings() {
            @Override
            public void bound(String prefix) {
                bound.add(prefix);
                links.forEach(link -> link.bound(prefix));
            }

            @Override
            public void released(String prefix) {
                bound.remove(prefix);
                links.forEach(link -> link.released(prefix));
            }
        });
        bound.addAll(router.boundPrefixes());
        links.forEach(RelayLink::connect);
    }

    public List<RelayLink> links() {
        return links;
    }

    /** Completes with how many relays stored it. */
    @Override
    public CompletableFuture<Integer> publish(String prefix, String path, int status, List<List<String>> headers,
                                              byte[] body) {
        return count(links.stream().map(link -> link.publish(prefix, path, status, headers, body)).toList());
    }

    /** Completes with how many relays took the purge. */
    @Override
    public CompletableFuture<Integer> purge(String prefix, String path) {
        return count(links.stream().map(link -> link.purge(prefix, path)).toList());
    }

    private static CompletableFuture<Integer> count(List<CompletableFuture<Boolean>> answers) {
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(all -> (int) answers.stream().filter(CompletableFuture::join).count());
    }

    @Override
    public void close() {
        links.forEach(RelayLink::close);
    }
}
