package org.browsersocket.discovery.http;

/**
 * {@code GET /}: what the discovery service does, its JSON and XML-RPC APIs, and boxes that use
 * the JSON API live from this page: look a name up, put a value, watch a name (Server-Sent
 * Events). The page is static; its script calls the service on the page's own origin.
 */
final class DiscoveryPage {
    private DiscoveryPage() {}

    /** The page, as HTML. */
    static final String HTML = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>BrowserSocket discovery service</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#1d2330}
            table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:3px 12px 3px 0}
            th{color:#566;font-weight:500}
            pre,code{background:#f3f5f8;border-radius:4px;padding:1px 4px}
            pre{padding:8px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
            section{border:1px solid #dde2ea;border-radius:8px;padding:.2em 1em 1em;margin:1em 0}
            input{font:inherit;padding:3px 6px;border:1px solid #b9c1cd;border-radius:4px}
            button{font:inherit;padding:3px 12px}
            ul.values{padding-left:1.2em;margin:.5em 0 0}ul.values li{overflow-wrap:anywhere}
            .muted{color:#566}.error{color:#b3261e;font-weight:600}
            </style></head><body>
            <h1>Discovery service</h1>
            <p>An OpenLookup-like key/value store where pages advertise where they can be reached. A name
            holds many values; each value lives for its TTL (at most a week), and a value put with a secret
            can be removed by whoever knows the secret. Browsers use the JSON API below (every answer
            carries <code>Access-Control-Allow-Origin: *</code>); OpenDHT clients use XML-RPC. Both see
            the same data: names are hashed to 20-byte keys with SHA-1, as OpenDHT clients do.</p>

            <section id="lookup-box"><h2>Look up a name</h2>
            <form id="lookup-form"><input id="lookup-name" placeholder="name" spellcheck="false" required>
            <button id="lookup" type="submit">Get</button></form>
            <p id="lookup-status" class="muted"></p><ul id="lookup-values" class="values"></ul></section>

            <section id="watch-box"><h2>Watch a name</h2>
            <p class="muted">Shows each value of the name now and as it arrives (Server-Sent Events).</p>
            <form id="watch-form"><input id="watch-name" placeholder="name" spellcheck="false" required>
            <button id="watch" type="submit">Watch</button></form>
            <p id="watch-status" class="muted"></p><ul id="watch-values" class="values"></ul></section>

            <section id="put-box"><h2>Put a value</h2>
            <form id="put-form"><input id="put-name" placeholder="name" spellcheck="false" required>
            <input id="put-value" placeholder="value" spellcheck="false" required>
            <input id="put-ttl" type="number" min="1" max="604800" value="300" title="TTL in seconds" style="width:6em">
            <button id="put" type="submit">Put</button></form>
            <p id="put-status" class="muted"></p></section>

            <h2>JSON API</h2>
            <table>
            <tr><th><code>POST /v1/values/{name}</code></th><td><code>{"value" | "base64", "ttl", "secret"?}</code>
              → <code>{"result", "status"}</code>; result 0 stored, 1 over capacity, 2 try again</td></tr>
            <tr><th><code>GET /v1/values/{name}</code></th><td><code>?max=&amp;placemark=</code>
              → <code>{"values": [{"value", "base64", "hash", "ttl", "removable"}…], "placemark"}</code>;
              an empty placemark means there are no more</td></tr>
            <tr><th><code>POST /v1/values/{name}/remove</code></th><td><code>{"hash" | "value" | "base64", "secret"}</code>;
              a wrong secret is refused (400)</td></tr>
            <tr><th><code>GET /v1/watch/{name}</code></th><td>Server-Sent Events: <code>value</code> for each live value
              (those there now, then new ones), <code>gone</code> when one leaves</td></tr>
            <tr><th><code>POST /v1/signed/{label}</code></th><td><code>{"publicKey", "value" | "base64", "sequence",
              "signature"}</code> → <code>{"principal", "label"}</code></td></tr>
            <tr><th><code>GET /value/{principal}/{label}</code></th><td>the signed value itself</td></tr>
            <tr><th><code>GET /healthz</code></th><td><code>{"status": "ok", "service": "discovery-service"}</code></td></tr>
            </table>
            <p>Writes count against the client's rate limits (over them: 429 with <code>Retry-After</code>); a put the
            store has no room for is 507. From a page on any origin:</p>
            <pre id="example"></pre>

            <h2>XML-RPC (OpenDHT)</h2>
            <p><code>POST /</code> or <code>POST /RPC2</code>, with OpenDHT's method names and argument order; keys,
            values, hashes, secrets and placemarks are base64:</p>
            <pre>put(key, value, ttl, application) → 0 stored, 1 over capacity, 2 try again
            put_removable(key, value, "SHA", secret_hash, ttl, application) → the same
            get(key, maxvals, placemark, application) → [[value…], placemark]
            get_details(key, maxvals, placemark, application)
                → [[[value, ttl_remaining, "SHA", secret_hash]…], placemark]
            rm(key, value_hash, "SHA", secret, ttl, application) → 0</pre>

            <script>
            (function () {
              'use strict';
              var base = location.origin;
              function $(id) { return document.getElementById(id); }
              function item(list, text, note) {
                var li = document.createElement('li');
                li.textContent = text;
                if (note) {
                  var span = document.createElement('span');
                  span.className = 'muted';
                  span.textContent = ' ' + note;
                  li.appendChild(span);
                }
                list.appendChild(li);
                return li;
              }
              function shown(v) { return v.value !== null ? v.value : '(binary) ' + v.base64; }
              function status(id, text, failed) { $(id).textContent = text; $(id).className = failed ? 'error' : 'muted'; }
              function json(response) {
                return response.json().then(function (body) {
                  if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
                  return body;
                });
              }
              function url(path, name) { return base + path + encodeURIComponent(name); }

              $('lookup-form').addEventListener('submit', function (e) {
                e.preventDefault();
                var name = $('lookup-name').value, list = $('lookup-values');
                status('lookup-status', 'asking…');
                fetch(url('/v1/values/', name), { cache: 'no-store' }).then(json).then(function (body) {
                  list.textContent = '';
                  body.values.forEach(function (v) { item(list, shown(v), '(' + v.ttl + ' s left)'); });
                  status('lookup-status', body.values.length + (body.values.length === 1 ? ' value' : ' values')
                    + ' for ' + JSON.stringify(name));
                }, function (error) { list.textContent = ''; status('lookup-status', error.message, true); });
              });

              var source = null;
              $('watch-form').addEventListener('submit', function (e) {
                e.preventDefault();
                if (source) {
                  source.close();
                  source = null;
                  $('watch').textContent = 'Watch';
                  status('watch-status', 'stopped');
                  return;
                }
                var name = $('watch-name').value, list = $('watch-values');
                list.textContent = '';
                source = new EventSource(url('/v1/watch/', name));
                $('watch').textContent = 'Stop';
                status('watch-status', 'connecting…');
                source.onopen = function () { status('watch-status', 'watching ' + JSON.stringify(name)); };
                source.addEventListener('value', function (event) {
                  var v = JSON.parse(event.data);
                  item(list, shown(v), 'at ' + new Date().toLocaleTimeString() + ' (' + v.ttl + ' s left)').dataset.hash = v.hash;
                });
                source.addEventListener('gone', function (event) {
                  var gone = JSON.parse(event.data);
                  item(list, 'gone: ' + gone.hash.slice(0, 12) + '…', 'at ' + new Date().toLocaleTimeString());
                });
                source.onerror = function () {
                  status('watch-status', source.readyState === EventSource.CLOSED ? 'the service ended the watch'
                    : 'reconnecting…', source.readyState === EventSource.CLOSED);
                };
              });

              $('put-form').addEventListener('submit', function (e) {
                e.preventDefault();
                var name = $('put-name').value;
                fetch(url('/v1/values/', name), {
                  method: 'POST', headers: { 'Content-Type': 'application/json' },
                  body: JSON.stringify({ value: $('put-value').value, ttl: Number($('put-ttl').value) })
                }).then(json).then(function (body) { status('put-status', 'put: ' + body.status); },
                                   function (error) { status('put-status', error.message, true); });
              });

              $('example').textContent =
                "fetch('" + base + "/v1/values/my-room', {\\n" +
                "  method: 'POST', headers: {'Content-Type': 'application/json'},\\n" +
                "  body: JSON.stringify({value: 'ws://203.0.113.7:7041/abc', ttl: 300})});\\n" +
                "fetch('" + base + "/v1/values/my-room')\\n" +
                "  .then(r => r.json()).then(b => b.values.map(v => v.value));\\n" +
                "new EventSource('" + base + "/v1/watch/my-room')\\n" +
                "  .addEventListener('value', e => console.log(JSON.parse(e.data).value));";
            })();
            </script>
            </body></html>
            """;
}
