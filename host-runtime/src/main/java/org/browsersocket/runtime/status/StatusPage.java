package org.browsersocket.runtime.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.List;
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.page.PeerConnection;

/** The runtime's status page: live listeners, their connections and byte counters (HTML and JSON). */
public final class StatusPage {
    /** One listener as the status page shows it; the prefix is shortened, since it is a capability. */
    public record ListenerStatus(String page, String origin, boolean viaExtension, int index, String prefix, int connections,
                                 long bytesIn, long bytesOut, List<ConnectionStatus> peers) {}

    /** One open peer connection. */
    public record ConnectionStatus(int id, String remoteAddress, String since, long bytesIn, long bytesOut) {}

    /** The public port's limits as they stand: memory held for peers against the budget, connections. */
    public record LimitsStatus(long memoryBudgetBytes, long memoryUsedBytes, int publicConnections,
                               long shedConnections) {}

    private final ObjectMapper json = new ObjectMapper();
    private final java.util.function.Supplier<LimitsStatus> limits;
    private final java.util.function.Supplier<ReachabilityStatus> reachability;

    /** A status page reporting the limits and the reachability these describe. */
    public StatusPage(java.util.function.Supplier<LimitsStatus> limits,
                      java.util.function.Supplier<ReachabilityStatus> reachability) {
        this.limits = limits;
        this.reachability = reachability;
    }

    public List<ListenerStatus> snapshot(Collection<PageSession> sessions) {
        return sessions.stream().flatMap(session -> session.listeners().stream().map(l -> status(session, l))).toList();
    }

    public String json(Collection<PageSession> sessions) {
        try {
            return json.writeValueAsString(java.util.Map.of("listeners", snapshot(sessions), "limits", limits.get(),
                    "reachability", reachability.get()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The page: the consent section (sites asking, standing decisions; live, acting with
     * {@code actionToken}) and the listeners.
     */
    public String html(Collection<PageSession> sessions, String actionToken) {
        StringBuilder out = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>BrowserSocket runtime</title>
                <meta name="browsersocket-action-token" content="%s">
                <style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}
                table{border-collapse:collapse;width:100%%;margin-bottom:1.5em}
                td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
                th{background:#f4f4f4}.num{text-align:right}
                #consent{border:1px solid #ccd;border-radius:8px;padding:0 1em 1em;margin-bottom:2em}
                #consent ul{list-style:none;padding:0;margin:0}
                #consent li{display:flex;align-items:center;gap:.5em;padding:6px 0;border-bottom:1px solid #eee}
                #consent li .who{flex:1}
                li.request{background:#fff8e1}
                button{font:inherit;padding:3px 10px;border-radius:4px;border:1px solid #999;background:#fff;cursor:pointer}
                button.allow{background:#1b7f3b;color:#fff;border-color:#1b7f3b}
                button.deny{background:#b3261e;color:#fff;border-color:#b3261e}
                .muted{color:#666}</style></head><body>
                <h1>BrowserSocket host runtime</h1>
                <section id="consent"><h2>Sites asking to accept connections</h2>
                <ul id="requests"><li class="muted">None.</li></ul>
                <h2>Your decisions</h2><ul id="decisions"><li class="muted">None.</li></ul>
                <p class="muted" id="consent-file"></p></section>
                <script>
                (function () {
                  var token = document.querySelector('meta[name=browsersocket-action-token]').content;
                  function button(cls, text, origin, decision) {
                    var b = document.createElement('button');
                    b.className = cls; b.textContent = text;
                    b.onclick = function () { act(origin, decision); };
                    return b;
                  }
                  function row(cls, origin, text, buttons) {
                    var li = document.createElement('li');
                    li.className = cls; li.dataset.origin = origin;
                    var who = document.createElement('span');
                    who.className = 'who'; who.textContent = text;
                    li.appendChild(who);
                    buttons.forEach(function (b) { li.appendChild(b); });
                    return li;
                  }
                  function fill(list, rows) {
                    list.textContent = '';
                    if (!rows.length) { var none = document.createElement('li'); none.className = 'muted'; none.textContent = 'None.'; list.appendChild(none); }
                    rows.forEach(function (r) { list.appendChild(r); });
                  }
                  function render(state) {
                    fill(document.getElementById('requests'), state.pending.map(function (p) {
                      return row('request', p.origin, p.origin + ' wants to accept connections (' + p.pages
                        + (p.pages === 1 ? ' page waits)' : ' pages wait)'), [button('allow', 'Allow', p.origin, 'allow'),
                        button('once', 'Allow once', p.origin, 'once'), button('deny', 'Deny', p.origin, 'deny')]);
                    }));
                    fill(document.getElementById('decisions'), state.allowed.map(function (o) {
                      return row('decision allowed', o, o + ' is allowed', [button('revoke', 'Revoke', o, 'revoke')]);
                    }).concat(state.denied.map(function (o) {
                      return row('decision denied', o, o + ' is denied', [button('revoke', 'Revoke', o, 'revoke')]);
                    })).concat(state.allowedByFlag.map(function (o) {
                      return row('decision flag', o, o + ' is allowed by --allow-origin', []);
                    })));
                    document.getElementById('consent-file').textContent = state.file
                      ? 'Decisions are kept in ' + state.file + '.' : 'Decisions are kept until the runtime stops.';
                  }
                  function refresh() {
                    fetch('/consent.json', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(render, function () {});
                  }
                  function act(origin, decision) {
                    fetch('/consent', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-BrowserSocket-Token': token },
                      body: JSON.stringify({ origin: origin, decision: decision }) }).then(refresh, refresh);
                  }
                  refresh();
                  setInterval(refresh, 1000);
                })();
                </script>
                """.formatted(escape(actionToken)));
        appendReachability(out, reachability.get());
        List<ListenerStatus> listeners = snapshot(sessions);
        out.append("<p>").append(listeners.size()).append(" live listener(s). <a href=\"/status.json\">JSON</a></p>");
        for (ListenerStatus l : listeners) {
            out.append("<h2>").append(escape(l.page())).append(" listener ").append(l.index()).append(" — ")
                    .append(escape(l.origin())).append(l.viaExtension() ? " (through the extension)" : "").append("</h2><p>prefix <code>").append(escape(l.prefix()))
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

    private static void appendReachability(StringBuilder out, ReachabilityStatus r) {
        out.append("<section id=\"reachability\"><h2>Reachable from other networks</h2>");
        if (r.candidates().isEmpty()) {
            out.append("<p class=muted>No way in from other networks: no global address, no gateway mapping, no relay.</p>");
        } else {
            out.append("<table><tr><th>kind</th><th>address</th><th>how</th></tr>");
            r.candidates().forEach(c -> out.append("<tr><td>").append(escape(c.kind())).append("</td><td><code>")
                    .append(escape(c.base())).append("</code></td><td>").append(escape(c.detail())).append("</td></tr>"));
            out.append("</table>");
        }
        if (!r.relays().isEmpty()) {
            out.append("<table><tr><th>relay</th><th>state</th><th>since</th><th class=num>routes</th>")
                    .append("<th class=num>peers through it</th><th>last error</th></tr>");
            r.relays().forEach(l -> out.append("<tr><td><code>").append(escape(l.relay())).append("</code></td><td>")
                    .append(escape(l.state())).append("</td><td>").append(escape(l.since()))
                    .append("</td><td class=num>").append(l.routes()).append("</td><td class=num>").append(l.peers())
                    .append("</td><td>").append(escape(l.lastError() == null ? "" : l.lastError())).append("</td></tr>"));
            out.append("</table>");
        }
        if (r.relayServed() != null) {
            out.append("<p>This runtime serves as ").append(r.relayServed().open() ? "an open" : "a private")
                    .append(" relay: ").append(r.relayServed().registrants().size()).append(" registrant(s).</p>");
        }
        out.append("</section>");
    }

    private static ListenerStatus status(PageSession session, Listener listener) {
        List<PeerConnection> open = session.connections(listener);
        List<ConnectionStatus> peers = open.stream().limit(1000).map(c -> new ConnectionStatus(c.id(),
                c.remoteAddress(), c.since().toString(), c.bytesIn(), c.bytesOut())).toList();
        return new ListenerStatus(session.name(), String.valueOf(session.origin()), session.viaExtension(), listener.index(),
                PageSession.shortPrefix(listener.prefix()), open.size(), listener.bytesIn(), listener.bytesOut(), peers);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
