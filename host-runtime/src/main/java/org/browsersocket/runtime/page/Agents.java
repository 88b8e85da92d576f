package org.browsersocket.runtime.page;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The relays that route a page's listeners and keep copies of what it serves (its agents):
 * {@code bs.publish} hands them a response ahead of time, {@code bs.purge} makes them forget.
 * Each call completes with the number of agents that took it.
 */
public interface Agents {
    /** No relays: nothing is kept anywhere. */
    Agents NONE = new Agents() {
        @Override
        public CompletableFuture<Integer> publish(String prefix, String path, int status, List<List<String>> headers,
                                                  byte[] body) {
            return CompletableFuture.completedFuture(0);
        }

        @Override
        public CompletableFuture<Integer> purge(String prefix, String path) {
            return CompletableFuture.completedFuture(0);
        }
    };

    /** Stores {@code body} with {@code status} and {@code headers} at {@code prefix + path} (path starts with "/"). */
    CompletableFuture<Integer> publish(String prefix, String path, int status, List<List<String>> headers, byte[] body);

    /** Forgets what is kept at {@code prefix + path}, or everything under {@code prefix} when path is null. */
    CompletableFuture<Integer> purge(String prefix, String path);
}
