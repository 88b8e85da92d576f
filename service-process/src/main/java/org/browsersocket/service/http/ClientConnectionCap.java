package org.browsersocket.service.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.servlet.DispatcherType;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Caps the connections one client ({@link ClientKey}) holds at once. Requests on connections
 * beyond the cap are answered 429 with {@code Connection: close}, before their body is read;
 * connections beyond twice the cap are closed as soon as they are accepted, and a connection whose
 * first request has not been received in full (its head) within the deadline is closed, so a
 * client cannot hoard sockets with requests it never finishes. Registered both as the connectors'
 * connection listener (to count) and as a handler (to answer).
 */
final class ClientConnectionCap extends HandlerWrapper implements Connection.Listener {

    private final int perClient;
    private final Predicate<InetAddress> exempt;
    private final Scheduler scheduler;
    private final Duration firstRequestDeadline;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, String> clients = new ConcurrentHashMap<>();
    private final Set<Connection> excess = ConcurrentHashMap.newKeySet();

    /**
     * @param perClient            connections one client may use; requests on more get 429
     * @param exempt               peers the cap does not apply to (e.g. a trusted reverse proxy)
     * @param scheduler            runs the first-request deadlines
     * @param firstRequestDeadline how long a new connection may take to send a request's head
     */
    ClientConnectionCap(int perClient, Predicate<InetAddress> exempt, Scheduler scheduler, Duration firstRequestDeadline) {
        this.perClient = perClient;
        this.exempt = exempt;
        this.scheduler = scheduler;
        this.firstRequestDeadline = firstRequestDeadline;
    }

    @Override
    public void onOpened(Connection connection) {
        scheduler.schedule(() -> {
            if (connection.getMessagesIn() == 0) {
                connection.getEndPoint().close(); // a slow-loris: headers a byte at a time, or none
            }
        }, firstRequestDeadline.toMillis(), TimeUnit.MILLISECONDS);
        count(connection);
    }

    private void count(Connection connection) {
        InetSocketAddress remote = connection.getEndPoint().getRemoteAddress();
        if (remote == null || remote.getAddress() == null || exempt.test(remote.getAddress())) {
            return;
        }
        String client = ClientKey.of(remote.getAddress());
        clients.put(connection, client);
        int count = open.merge(client, 1, Integer::sum);
        if (count > 2 * perClient) {
            connection.getEndPoint().close(); // onClosed follows and counts it out again
        } else if (count > perClient) {
            excess.add(connection);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        String client = clients.remove(connection);
        if (client != null) {
            excess.remove(connection);
            open.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
        }
    }

    /** Connections {@code client} holds now (for tests and diagnostics). */
    int connections(String client) {
        return open.getOrDefault(client, 0);
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request,
                       HttpServletResponse response) throws IOException, javax.servlet.ServletException {
        if (baseRequest.getDispatcherType() == DispatcherType.REQUEST
                && excess.contains(baseRequest.getHttpChannel().getConnection())) {
            baseRequest.setHandled(true);
            Refusal.send(request, response, 429, "too many connections from your address"
                    + " (at most " + perClient + " at once); close some and try again");
            return;
        }
        super.handle(target, baseRequest, request, response);
    }
}
