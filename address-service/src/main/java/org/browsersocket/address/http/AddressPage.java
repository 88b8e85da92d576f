package org.browsersocket.address.http;

import java.util.Map;

/** {@code GET /}: what the service does, how to call it, and the caller's own answer. */
final class AddressPage {
    private AddressPage() {}

    static String render(Map<String, Object> answer) {
        StringBuilder rows = new StringBuilder();
        answer.forEach((key, value) -> rows.append("<tr><th>").append(escape(key)).append("</th><td><code>")
                .append(escape(String.valueOf(value))).append("</code></td></tr>"));
        return """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>BrowserSocket address service</title>
                <style>body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#1d2330}
                table{border-collapse:collapse}th,td{text-align:left;padding:3px 12px 3px 0}th{color:#566;font-weight:500}
                pre,code{background:#f3f5f8;border-radius:4px;padding:1px 4px}td code{overflow-wrap:anywhere}
                pre{padding:8px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}</style></head><body>
                <h1>Address service</h1>
                <p>Tells the caller its address as this service sees it (IPv4, or IPv6 with Teredo addresses
                decoded), so a page can tell others where to reach it. Every answer carries
                <code>Access-Control-Allow-Origin: *</code>: any page's JavaScript may ask.</p>
                <h2>Your answer</h2>
                <table>%s</table>
                <h2>API</h2>
                <ul>
                <li><code>GET /address</code> → <code>{"ip", "version", "port", "teredo"}</code>; <code>?format=text</code> gives just the address</li>
                <li><code>GET /teredo/{ipv6}</code> → the parts of a Teredo address: server, client, port, cone, flags</li>
                <li><code>GET /healthz</code></li>
                </ul>
                <pre>fetch(location.origin + '/address')
                  .then(r =&gt; r.json())
                  .then(a =&gt; console.log(a.ip, a.version, a.teredo));</pre>
                </body></html>
                """.formatted(rows);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
