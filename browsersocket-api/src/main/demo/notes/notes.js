// The notes demo: this tab answers HTTP requests (bs.onrequest) with a page of notes and takes
// new notes from a plain HTML form. Notes live in this browser's localStorage, so they survive
// closing the tab; after each change the rendered page is handed to the relays that route this
// listener (bs.publish), which serve it while the tab is closed.
(function () {
  'use strict';
  var STORE = 'browsersocket-notes';
  var MAX_NOTES = 200, MAX_TEXT = 500, MAX_AUTHOR = 40;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function load() {
    try {
      var notes = JSON.parse(localStorage.getItem(STORE) || '[]');
      return Array.isArray(notes) ? notes : [];
    } catch (e) { return []; }
  }
  var notes = load();
  var version = notes.length ? notes[notes.length - 1].at : 0;

  function add(author, text) {
    author = String(author || 'anonymous').trim().slice(0, MAX_AUTHOR) || 'anonymous';
    text = String(text || '').trim().slice(0, MAX_TEXT);
    if (!text) return false;
    version = Math.max(Date.now(), version + 1);
    notes.push({ author: author, text: text, at: version });
    if (notes.length > MAX_NOTES) notes = notes.slice(notes.length - MAX_NOTES);
    localStorage.setItem(STORE, JSON.stringify(notes));
    show();
    publish();
    return true;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // The page readers get: no script, so any browser (and a relay's copy) shows it as it is.
  function render() {
    var items = notes.map(function (n) {
      return '<li><b>' + escapeHtml(n.author) + '</b> <small>' + new Date(n.at).toISOString().slice(0, 16).replace('T', ' ')
        + '</small><br>' + escapeHtml(n.text) + '</li>';
    }).join('\n');
    return '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
      + '<title>Notes</title><style>body{font:15px/1.45 system-ui,sans-serif;max-width:40rem;margin:1.5rem auto;padding:0 1rem;color:#1d2330}'
      + 'li{margin:.4rem 0;white-space:pre-wrap;overflow-wrap:anywhere}small{color:#6b7385}input,textarea,button{font:inherit}'
      + 'textarea{width:100%;min-height:4rem}</style></head><body>\n<h1>Notes</h1>\n'
      + (items ? '<ol id="notes">\n' + items + '\n</ol>' : '<p id="notes">No notes yet.</p>')
      + '\n<form method="post" action="./"><p><label>Name <input name="author" maxlength="' + MAX_AUTHOR + '"></label></p>'
      + '<p><label>Note<br><textarea name="text" maxlength="' + MAX_TEXT + '"></textarea></label></p>'
      + '<p><button type="submit">Add note</button></p></form>\n</body></html>\n';
  }

  function pageResponse(status) {
    return new Response(status === 304 ? null : render(), {
      status: status || 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        // A relay may keep it (and serve it for 5 s before asking again); the ETag makes asking cheap.
        'cache-control': 'public, max-age=5',
        'etag': '"' + version + '"',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
      }
    });
  }

  var bs = new BrowserSocket(function () {
    return { onhandshake: function (request, response) { response.reject(404, 'no WebSocket here'); } };
  }, { name: 'notes' });

  bs.onrequest = function (request) {
    var path = request.path.split('?')[0];
    if (path !== '/' && path !== '') {
      return new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      return pageResponse(request.headers.get('if-none-match') === '"' + version + '"' ? 304 : 200);
    }
    if (request.method === 'POST') {
      return request.formData().then(function (form) {
        if (!add(form.get('author'), form.get('text'))) {
          return new Response('A note needs some text.\n', { status: 400, headers: { 'content-type': 'text/plain' } });
        }
        return new Response(null, { status: 303, headers: { location: './' } });
      });
    }
    return new Response('Method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD, POST' } });
  };

  function publish() {
    if (bs.readyState !== BrowserSocket.OPEN) return;
    bs.publish('/', pageResponse(200)).then(function (result) {
      $('agents').textContent = result.agents
        ? 'Kept by ' + result.agents + (result.agents === 1 ? ' relay' : ' relays') + ': readable there while this tab is closed.'
        : 'No relay keeps a copy' + (result.reason ? ' (' + result.reason + ')' : '') + ': the notes are readable while this tab is open.';
    }, function (e) { $('agents').textContent = 'Could not hand the notes to a relay: ' + e.message; });
  }

  function showAddresses(urls) {
    var list = $('addresses');
    list.textContent = '';
    var entries = [{ kind: 'this machine', url: 'http://127.0.0.1:' + bs.port + bs.resourcePrefix }];
    // The demo site names the relay make run starts (on this machine, so never among the candidates).
    var relay = (window.BrowserSocketDemo || {}).relay;
    if (relay) entries.push({ kind: 'relay', url: relay.replace(/\/+$/, '') + bs.resourcePrefix });
    (urls || []).forEach(function (u) {
      var url = String(u.url || u).replace(/^ws/, 'http');
      if (!entries.some(function (e) { return e.url === url; })) entries.push({ kind: u.kind || 'network', url: url });
    });
    entries.forEach(function (entry) {
      var link = el('a', '', entry.url);
      link.href = entry.url;
      link.target = '_blank';
      link.rel = 'noopener';
      var li = el('li');
      li.append(el('span', 'kind', entry.kind), ' ', link);
      list.appendChild(li);
    });
  }

  function show() {
    var list = $('notes');
    list.textContent = '';
    notes.forEach(function (n) {
      var li = el('li');
      li.append(el('span', 'who', n.author), el('span', 'when', ' ' + new Date(n.at).toLocaleString()), el('br'), n.text);
      list.appendChild(li);
    });
  }

  bs.onopen = function () {
    $('status').textContent = 'Serving. Open an address below in any browser to read and add notes.';
    showAddresses([]);
    publish();
  };
  bs.onreachability = function (event) {
    showAddresses(event.urls);
    publish(); // a relay that just started routing this tab gets the current notes
  };
  bs.onpending = function (event) { $('status').textContent = event.message; };
  bs.onerror = function (event) {
    $('status').textContent = event.message;
    $('status').className = 'error';
  };
  $('add').addEventListener('submit', function (event) {
    event.preventDefault();
    if (add('host', $('text').value)) $('text').value = '';
  });
  show();
})();
