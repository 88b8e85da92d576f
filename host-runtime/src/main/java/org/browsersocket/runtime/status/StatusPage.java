package org.browsersocket.runtime.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.List;
import org.browsersocket.runtime.relay.Listener;
import org.browsersocket.runtime.relay.PageSession;
import org.browsersocket.runtime.relay.PeerConnection;

/** The runtime's status page: live listeners, their connections and byte counters (HTML and JSON). */
public final class StatusPage {
    /** One listener as the status page shows it; the prefix is shortened, since it is a capability. */
    public record ListenerStatus(String page, String origin, int index, String prefix, int connections,
                                 long bytesIn, long bytesOut, List<ConnectionStatus> peers) {}

    /** One open peer connection. */
    public record ConnectionStatus(int id, String remoteAddress, String since, long bytesIn, long bytesOut) {}

    private final ObjectMapper json = new ObjectMapper();

    public List<ListenerStatus> snapshot(Collection<PageSession> sessions) {
        return sessions.stream().flatMap(session -> session.listeners().stream().map(l -> status(session, l))).toList();
    }

    public String json(Collection<PageSession> sessions) {
        try {
            return json.writeValueAsString(java.util.Map.of("listeners", snapshot(sessions)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String html(Collection<PageSession> sessions) {
        StringBuilder out = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>BrowserSocket runtime</title>
                <style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}
                table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
                td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
                th{background:#f4f4f4}.num{text-align:right}</style></head><body>
                <h1>BrowserSocket host runtime</h1>
                """);
        List<ListenerStatus> listeners = snapshot(sessions);
        out.append("<p>").append(listeners.size()).append(" live listener(s). <a href=\"/status.json\">JSON</a></p>");
        for (ListenerStatus l : listeners) {
            out.append("<h2>").append(escape(l.page())).append(" listener ").append(l.index()).append(" — ")
                    .append(escape(l.origin())).append("</h2><p>prefix <code>").append(escape(l.prefix()))
                    .append("</code>, ").append(l.connections()).append(" connection(s), ")
                    .append(l.bytesIn()).append(" bytes in, ").append(l.bytesOut()).append(" bytes out</p>")
                    .append("<table><tr><th>#</th><th>peer</th><th>since</th><th class=num>bytes in</th>")
                    .append("<th class=num>bytes out</th></tr>");
            for (ConnectionStatus c : l.peers()) {
                out.append("<tr><td>").append(c.id()).append("</td><td>").append(escape(c.remoteAddress()))
                        .append("</td><td>").append(escape(c.since())).append("</td><td class=num>").append(c.bytesIn())
                        .append("</td><td class=num>").append(c.bytesOut()).append("</td></tr>");
            }
            out.append("</table>");
        }
        return out.append("</body></html>\n").toString();
    }

    private static ListenerStatus status(PageSession session, Listener listener) {
        List<PeerConnection> open = session.connections(listener);
        List<ConnectionStatus> peers = open.stream().limit(1000).map(c -> new ConnectionStatus(c.id(),
                c.remoteAddress(), c.since().toString(), c.bytesIn(), c.bytesOut())).toList();
        return new ListenerStatus(session.name(), String.valueOf(session.origin()), listener.index(),
                PageSession.shortPrefix(listener.prefix()), open.size(), listener.bytesIn(), listener.bytesOut(), peers);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
