/*
 * BrowserSocket two-browser chat demo.
 * The hosting page listens through BrowserSocket and relays all messages; other pages join with a
 * plain WebSocket (they need no runtime of their own). Wire format: JSON text frames.
 * Open rooms are advertised in the discovery service's lobby with a short TTL that the host keeps
 * renewing, so a room whose host vanished leaves everyone's lobby within seconds.
 */
(function () {
  'use strict';

  var MAX_TEXT = 2000;
  var RUNTIME_MISSING = 'The BrowserSocket host runtime is not reachable at http://127.0.0.1:7040' +
    ' \u2014 start it with `make run`.';

  function $(id) { return document.getElementById(id); }
  var nameEl = $('name'), hostBtn = $('host'), joinUrlEl = $('join-url'), joinBtn = $('join');
  var textEl = $('text'), sendBtn = $('send'), statusEl = $('status'), logEl = $('log');
  var roomUrlEl = $('room-url'), roomLink = $('room-link'), copyBtn = $('copy');
  var leaveBtn = $('leave'), stopBtn = $('stop-hosting');

  var role = null;  // null, 'host' or 'guest'
  var hosted = null; // host: { id, name, members: Set of handlers that said hello, bs, url, ad }
  var visit = null;  // guest: { target, socket (once open), hostClosed }

  // ---- helpers --------------------------------------------------------------

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'error' : '';
  }
  function cleanName(n) { return String(n).trim().slice(0, 40) || 'anonymous'; }

  function parse(data) { // a JSON object, or null; never throws
    var msg = null;
    try { msg = typeof data === 'string' && JSON.parse(data); } catch (e) { /* malformed */ }
    return msg && typeof msg === 'object' ? msg : null;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    e.className = className;
    e.textContent = text;
    return e;
  }

  function addLine(div) {
    logEl.appendChild(div);
    logEl.scrollTop = logEl.scrollHeight; // auto-scroll
  }

  function line(className, text) { addLine(el('div', className, text)); }
  function showChat(name, text) {
    var div = el('div', 'msg', '');
    div.append(el('span', 'name', name), ': ', el('span', 'text', text));
    addLine(div);
  }

  function randomHex(bytes) {
    return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  /**
   * Calls `fn` every `ms` milliseconds; `stop()` ends it. The ticks come from a worker when one can
   * be started: Chromium throttles a hidden tab's own timers to one wake-up a minute after a few
   * minutes, which would let a background host's lobby entry expire.
   */
  function every(ms, fn) {
    var worker = null, timer = null;
    try {
      var source = 'setInterval(function () { postMessage(0); }, ' + ms + ');';
      worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      worker.onmessage = fn;
    } catch (e) {
      timer = setInterval(fn, ms);
    }
    return { stop: function () { if (worker) worker.terminate(); clearInterval(timer); } };
  }

  // ---- what the page shows: setup before joining, the room bar while in a room ----

  function showRoomState() {
    var inRoom = role !== null;
    var open = role === 'host' || (role === 'guest' && visit.socket !== null);
    $('setup').hidden = $('intro').hidden = inRoom;
    $('room-bar').hidden = !inRoom;
    $('room').hidden = role !== 'host';
    leaveBtn.hidden = role !== 'guest';
    stopBtn.hidden = role !== 'host';
    $('room-title').textContent = role === 'host' ? hosted.name + "'s room"
      : role === 'guest' ? visit.target.title : '';
    $('room-role').textContent = role === 'host' ? '\u2014 you are hosting'
      : role === 'guest' ? (visit.socket ? '\u2014 joined' : '\u2014 connecting\u2026') : '';
    hostBtn.disabled = inRoom || typeof BrowserSocket === 'undefined';
    joinBtn.disabled = nameEl.disabled = inRoom;
    textEl.disabled = sendBtn.disabled = !open;
    textEl.placeholder = open ? 'Type a message and press Enter' : 'Host or join a room to chat';
    renderLobby();
  }

  // ---- host role: every incoming connection gets one of these handlers -------

  function broadcast(msg) { broadcastTo(hosted, msg); }

  function onParticipantMessage(h, msg) {
    if (msg.type === 'hello' && !h.name && typeof msg.name === 'string') {
      h.name = cleanName(msg.name);
      var names = [hosted.name];
      hosted.members.forEach(function (m) { names.push(m.name); });
      h.send(JSON.stringify({ type: 'roster', names: names }));
      hosted.members.add(h);
      broadcast({ type: 'join', name: h.name });
      line('notice', h.name + ' joined');
    } else if (msg.type === 'chat' && h.name && typeof msg.text === 'string') {
      var text = msg.text.slice(0, MAX_TEXT);
      broadcast({ type: 'chat', name: h.name, text: text }); // includes the sender
      showChat(h.name, text);
    }
  }

  function makeHandler() {
    var myRoom = hosted;
    var h = {
      name: null, // set by hello
      onmessage: function (event) {
        var msg = parse(event.data);
        try { if (msg && hosted === myRoom) onParticipantMessage(h, msg); } catch (e) { /* ignore */ }
      },
      onclose: function () {
        if (hosted !== myRoom || !hosted.members.delete(h)) return;
        broadcast({ type: 'leave', name: h.name });
        line('notice', h.name + ' left');
      },
      onerror: function () { /* onclose follows */ }
    };
    return h;
  }

  function hostRoom() {
    if (role !== null) return; // already in a room
    if (typeof BrowserSocket === 'undefined') return setStatus(RUNTIME_MISSING, true);
    var bs, thisRoom = { id: randomHex(8), name: cleanName(nameEl.value), members: new Set() };
    try { bs = new BrowserSocket(makeHandler); } catch (e) {
      return setStatus('Could not host a room: ' + e.message, true);
    }
    // The listener is on this device, wherever the page came from; other machines use the
    // reachable URLs listed below the room (from the address service).
    thisRoom.bs = bs;
    thisRoom.url = 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix + 'room';
    hosted = thisRoom;
    role = 'host';
    roomUrlEl.value = thisRoom.url;
    roomLink.href = '?join=' + encodeURIComponent(thisRoom.url);
    $('reachable-box').hidden = true;
    showRoomState();
    setStatus('Starting the room\u2026');

    bs.onerror = function (e) {
      if (hosted !== thisRoom) return; // already closed
      closeHostedRoom();
      setStatus((e && e.message) || 'The room could not be opened.', true);
    };
    bs.onpending = function (e) { if (hosted === thisRoom) setStatus(e.message); };
    Promise.resolve(bs.ready).then(function () {
      if (hosted !== thisRoom) return;
      setStatus('Hosting: ' + thisRoom.url);
      startAdvertising(thisRoom);
      findReachableCandidates(thisRoom);
      bs.addEventListener('reachability', function () { if (hosted === thisRoom) findReachableCandidates(thisRoom); });
    }, function () { /* onerror reports it */ });
  }

  /** Ends the hosted room: guests are told, the listener stops, the lobby entry is withdrawn. */
  function closeHostedRoom() {
    var thisRoom = hosted;
    hosted = role = null;
    try { broadcastTo(thisRoom, { type: 'closed', name: thisRoom.name }); } catch (e) { /* gone */ }
    try { thisRoom.bs.stop(); } catch (e) { /* already stopped (the page was left) */ }
    stopAdvertising(thisRoom);
    showRoomState();
  }

  function broadcastTo(thisRoom, msg) {
    var data = JSON.stringify(msg);
    thisRoom.members.forEach(function (h) {
      try { h.send(data); } catch (e) { /* connection already gone */ }
    });
  }

  function stopHosting() {
    if (role !== 'host') return;
    closeHostedRoom();
    line('notice', 'You closed the room.');
    setStatus('You stopped hosting; the room is closed and gone from the lobby.');
  }

  // ---- the room's candidate addresses --------------------------------------

  var KIND_LABELS = {
    public: 'public address', mapped: 'port mapped on the router', ipv6: 'IPv6',
    teredo: 'IPv6 through Teredo', relay: 'through a relay', 'same-machine': 'this machine only'
  };

  function describeCandidate(c) {
    return (KIND_LABELS[c.kind] || c.kind) + (c.confirmed === false ? ', seen by an address service only' : '')
      + (c.detail ? ', ' + c.detail : '');
  }

  /**
   * Asks the library for the room's ways in from other machines (it never gives loopback ones),
   * lists them, and advertises them in the lobby ahead of the same-machine URL. Asked again when
   * the runtime's ways in change (a gateway mapping made or lost, a relay joined).
   */
  function findReachableCandidates(thisRoom) {
    thisRoom.bs.reachableUrls(window.BrowserSocketDemo && window.BrowserSocketDemo.addressServices || undefined)
      .then(function (urls) {
        if (hosted !== thisRoom) return;
        var reachable = urls.map(function (u) {
          return { url: u.url + 'room', kind: u.kind, confirmed: u.confirmed, detail: u.detail || null };
        });
        showReachable(reachable, null);
        updateAd(thisRoom, reachable);
      }, function (e) {
        if (hosted === thisRoom) showReachable([], e.message);
      });
  }

  function showReachable(candidates, why) {
    var list = $('reachable');
    list.textContent = '';
    if (!candidates.length) {
      var none = el('li', 'reachable', 'None found: only browsers on this machine can join.');
      if (why) none.title = why;
      list.appendChild(none);
    }
    candidates.forEach(function (c) {
      var item = el('li', 'reachable', '');
      item.append(el('code', 'url', c.url), ' ', el('span', 'tag', '(' + describeCandidate(c) + ')'));
      list.appendChild(item);
    });
    $('reachable-box').hidden = false;
  }

  // ---- the lobby: rooms advertised in the discovery service -----------------

  var LOBBY = 'browsersocket-chat-lobby';
  // The service lets one address put to one name about 10 times a minute: renewing every 6 s stays
  // within that, and an 8 s TTL takes a dead host's room out of every lobby within 8 s.
  var AD_TTL_SECONDS = 8;
  var AD_RENEW_MS = 6000;
  var MAX_AD_BYTES = 1000; // the service keeps values of up to 1024 bytes
  var discoveryUrl = window.BrowserSocketDemo && window.BrowserSocketDemo.discoveryService;
  var discovery = discoveryUrl && typeof BrowserSocketDiscovery !== 'undefined'
    ? new BrowserSocketDiscovery(discoveryUrl) : null;

  /**
   * The lobby entry: the room's candidates, best first, ending with its loopback URL, which only
   * a browser on the host's own machine can use. Candidates that do not fit are left out.
   */
  function adText(thisRoom, reachable) {
    var candidates = reachable.map(function (c) { return { url: c.url, kind: c.kind }; });
    var sameMachine = { url: thisRoom.url, kind: 'same-machine' };
    for (;;) {
      var text = JSON.stringify({ id: thisRoom.id, room: thisRoom.name + "'s room", host: thisRoom.name,
        candidates: candidates.concat([sameMachine]) });
      if (new TextEncoder().encode(text).length <= MAX_AD_BYTES || !candidates.length) return text;
      candidates.pop();
    }
  }

  function putAd(ad) {
    return discovery.advertise(LOBBY, ad.text, { ttl: AD_TTL_SECONDS, secret: ad.secret });
  }

  // Withdrawn with keepalive, so that it also goes out while the page is being left.
  function withdrawAd(ad) {
    fetch(discovery.service + '/v1/values/' + encodeURIComponent(LOBBY) + '/remove', {
      method: 'POST', mode: 'cors', credentials: 'omit', keepalive: true,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ value: ad.text, secret: ad.secret })
    }).catch(function () { /* the TTL removes it soon anyway */ });
  }

  function renewAd(thisRoom) {
    if (hosted !== thisRoom) return;
    putAd(thisRoom.ad).catch(function (e) {
      if (hosted === thisRoom) setStatus('Hosting, but the lobby is unavailable: ' + e.message, true);
    });
  }

  function startAdvertising(thisRoom) {
    if (!discovery) return;
    thisRoom.ad = { text: adText(thisRoom, []), secret: randomHex(16) };
    renewAd(thisRoom);
    thisRoom.renewal = every(AD_RENEW_MS, function () { renewAd(thisRoom); });
  }

  // A new entry replaces the old one; lobbies match them by the room's id, so the room stays put.
  function updateAd(thisRoom, reachable) {
    if (!thisRoom.ad) return;
    var old = thisRoom.ad, text = adText(thisRoom, reachable);
    if (text === old.text) return;
    thisRoom.ad = { text: text, secret: old.secret };
    putAd(thisRoom.ad).then(function () { withdrawAd(old); }, function () { /* renewal retries */ });
  }

  function stopAdvertising(thisRoom) {
    if (!thisRoom.ad) return;
    thisRoom.renewal.stop();
    withdrawAd(thisRoom.ad);
  }

  // Rooms as the lobby shows them: id -> { ad, hashes: Set of live entries' hashes }.
  var rooms = new Map();
  var roomOfHash = new Map();
  var expiries = new Map();     // hash -> timer that drops the entry when its TTL runs out
  var unreachable = new Set();  // hashes of entries this page failed to join: not shown again
  var lobbyWatch = null;

  /** A lobby entry as advertised, or null when it is not one. */
  function parseAd(value) {
    var ad = parse(value);
    if (!ad || typeof ad.id !== 'string' || !Array.isArray(ad.candidates)) return null;
    var candidates = ad.candidates.filter(function (c) {
      return c && typeof c.url === 'string' && /^wss?:\/\/./i.test(c.url);
    });
    if (!candidates.length) return null;
    return { id: ad.id, title: String(ad.room || 'a room').slice(0, 80), candidates: candidates };
  }

  function onLobbyValue(v) {
    var ad = parseAd(v.value);
    if (!ad || unreachable.has(v.hash)) return;
    var entry = rooms.get(ad.id) || { hashes: new Set() };
    entry.ad = ad;
    entry.hashes.add(v.hash);
    rooms.set(ad.id, entry);
    roomOfHash.set(v.hash, ad.id);
    // Expire it here too: the service reports expiries only every few seconds.
    clearTimeout(expiries.get(v.hash));
    expiries.set(v.hash, setTimeout(function () { onLobbyGone(v); }, (Number(v.ttl) || AD_TTL_SECONDS) * 1000 + 500));
    renderLobby();
  }

  function onLobbyGone(gone) {
    var id = roomOfHash.get(gone.hash);
    clearTimeout(expiries.get(gone.hash));
    expiries.delete(gone.hash);
    roomOfHash.delete(gone.hash);
    var entry = rooms.get(id);
    if (entry && entry.hashes.delete(gone.hash) && !entry.hashes.size) rooms.delete(id);
    renderLobby();
  }

  /** Takes a room out of this page's lobby for good (it could not be reached from here). */
  function dropRoom(id) {
    var entry = rooms.get(id);
    if (!entry) return;
    entry.hashes.forEach(function (hash) { unreachable.add(hash); onLobbyGone({ hash: hash }); });
  }

  function roomState(id) {
    if (role === 'host' && hosted.id === id) return 'your room';
    if (role === 'guest' && visit.target.id === id) return visit.socket ? 'you are here' : 'joining\u2026';
    return null;
  }

  /**
   * Shows the rooms, each once. A row is rebuilt only when what it shows changes: entries are
   * renewed every few seconds, and a row replaced under the pointer would swallow a click.
   */
  function renderLobby() {
    var list = $('lobby');
    var rows = new Map(Array.from(list.children, function (row) { return [row.dataset.room, row]; }));
    rows.forEach(function (row, id) { if (!rooms.has(id)) row.remove(); });
    rooms.forEach(function (entry, id) {
      var row = rows.get(id) || list.appendChild(el('li', 'room', ''));
      row.dataset.room = id;
      var state = roomState(id);
      var looks = JSON.stringify([entry.ad.title, state, role !== null]);
      if (row.dataset.looks === looks) return;
      row.dataset.looks = looks;
      row.textContent = '';
      row.append(el('span', 'room-name', entry.ad.title), state ? el('span', 'room-state', state) : joinButton(entry, id));
    });
    $('lobby-empty').hidden = rooms.size > 0;
  }

  function joinButton(entry, id) {
    var button = el('button', 'join-room', 'Join');
    button.type = 'button';
    button.disabled = role !== null; // one room at a time
    button.addEventListener('click', function () { if (rooms.has(id)) joinRoom(lobbyTarget(rooms.get(id).ad)); });
    return button;
  }

  // Lists open rooms as they appear and disappear (Server-Sent Events, no polling).
  function watchLobby() {
    if (!discovery) { $('lobby-box').hidden = true; return; }
    lobbyWatch = discovery.watch(LOBBY, onLobbyValue, onLobbyGone);
  }

  function unwatchLobby() {
    if (lobbyWatch) lobbyWatch.close();
    lobbyWatch = null;
    expiries.forEach(clearTimeout);
    expiries.clear();
    rooms.clear();
    roomOfHash.clear();
    renderLobby();
  }

  function copyRoomUrl() {
    function fallback() {
      roomUrlEl.select();
      try { document.execCommand('copy'); } catch (e) { /* user can copy the selection */ }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(roomUrlEl.value).catch(fallback);
    } else fallback();
    copyBtn.textContent = 'Copied';
    setTimeout(function () { copyBtn.textContent = 'Copy'; }, 1200);
  }

  // ---- guest role: a plain WebSocket to the hosting page --------------------

  /**
   * Opens a WebSocket to the first of the room's candidates that answers (Happy Eyeballs: the
   * library tries them best first, a little apart). A guest needs no runtime of its own, so the
   * standalone connect script is loaded too; either one will do.
   */
  function connectToFirst(candidates) {
    var connector = typeof BrowserSocketConnect !== 'undefined' ? BrowserSocketConnect
      : typeof BrowserSocket !== 'undefined' && BrowserSocket.connect ? BrowserSocket : null;
    if (!connector) return Promise.reject(new Error('the connect script did not load'));
    return connector.connect(candidates);
  }

  function lobbyTarget(ad) {
    return { id: ad.id, title: ad.title, candidates: ad.candidates };
  }

  function urlTarget(url) {
    return { id: null, title: 'the room at ' + url, candidates: [{ url: url }] };
  }

  function onHostMessage(msg) {
    var named = typeof msg.name === 'string';
    if (msg.type === 'chat' && named && typeof msg.text === 'string') {
      showChat(msg.name, msg.text.slice(0, MAX_TEXT));
    } else if ((msg.type === 'join' || msg.type === 'leave') && named) {
      line('notice', msg.name + (msg.type === 'join' ? ' joined' : ' left'));
    } else if (msg.type === 'roster' && Array.isArray(msg.names)) {
      line('roster', 'In the room: ' + msg.names.map(String).join(', '));
    } else if (msg.type === 'closed') {
      visit.hostClosed = true;
    }
  }

  function joinRoomByUrl() {
    var url = joinUrlEl.value.trim();
    if (!/^wss?:\/\/./i.test(url)) return setStatus('Enter a ws:// room URL to join.', true);
    joinRoom(urlTarget(url));
  }

  function joinRoom(target) {
    if (role !== null) return; // one room at a time: a second click must not open a second connection
    var thisVisit = visit = { target: target, socket: null, hostClosed: false };
    role = 'guest';
    showRoomState();
    setStatus('Connecting to ' + target.title + '\u2026');
    connectToFirst(target.candidates).then(function (ws) {
      if (visit !== thisVisit) return ws.close(1000, 'left'); // left while connecting
      entered(thisVisit, ws);
    }, function () {
      if (visit !== thisVisit) return;
      visit = role = null;
      showRoomState();
      setStatus(joinFailure(target), true);
      if (target.id) dropRoom(target.id);
    });
  }

  function joinFailure(target) {
    if (!target.id) {
      return 'Could not join: nothing answered at ' + target.candidates[0].url +
        '. Check the URL, or ask the host whether the room is still open.';
    }
    return 'Could not join ' + target.title + ': nothing answered at its ' +
      (target.candidates.length === 1 ? 'address' : target.candidates.length + ' addresses') +
      '. Its host has probably closed it or lost the connection, so it was removed from the list.';
  }

  function entered(thisVisit, ws) {
    thisVisit.socket = ws;
    ws.onmessage = function (event) {
      var msg = parse(event.data);
      try { if (msg && visit === thisVisit) onHostMessage(msg); } catch (e) { /* ignore bad input */ }
    };
    ws.onclose = function (event) {
      if (visit !== thisVisit) return; // this page left on purpose
      visit = role = null;
      showRoomState();
      var closedByHost = thisVisit.hostClosed || event.code === 1001;
      line('notice', closedByHost ? 'The room was closed.' : 'The connection to the room was lost.');
      setStatus(closedByHost ? 'The host closed ' + thisVisit.target.title + '.'
        : 'Disconnected from ' + thisVisit.target.title + (event.reason ? ': ' + event.reason : '.'), true);
    };
    ws.send(JSON.stringify({ type: 'hello', name: cleanName(nameEl.value) }));
    showRoomState();
    setStatus('Joined ' + thisVisit.target.title + '.');
  }

  /** Leaves the joined room (or stops joining it); the host sees this guest leave at once. */
  function leaveRoom() {
    if (role !== 'guest') return;
    var thisVisit = visit;
    visit = role = null;
    if (thisVisit.socket) thisVisit.socket.close(1000, 'left the room');
    showRoomState();
    line('notice', 'You left the room.');
    setStatus('You left ' + thisVisit.target.title + '.');
  }

  // ---- leaving the page -------------------------------------------------------

  // Chromium may keep a left page alive in its back/forward cache with its sockets open: the guest
  // connection, the lobby watch and the lobby entry's renewal would go on as if nobody had left.
  // The library closes a host's listener then; this page ends the rest.
  function onPageHide() {
    if (role === 'guest') {
      leaveRoom();
      setStatus('You left the room when you left the page. Join again to come back.');
    } else if (role === 'host') {
      closeHostedRoom();
      line('notice', 'You closed the room.');
      setStatus('The room closed when you left the page. Host it again to reopen it.');
    }
    unwatchLobby();
  }

  // Back from the back/forward cache: the page was left as above; the lobby is watched afresh.
  function onPageShow(event) {
    if (event.persisted) watchLobby();
  }

  // ---- sending --------------------------------------------------------------

  function sendText() {
    var text = textEl.value.slice(0, MAX_TEXT);
    if (!text.trim()) return;
    if (role === 'host') {
      var msg = { type: 'chat', name: hosted.name, text: text };
      showChat(msg.name, text);
      broadcast(msg);
    } else if (role === 'guest' && visit.socket && visit.socket.readyState === WebSocket.OPEN) {
      visit.socket.send(JSON.stringify({ type: 'chat', text: text })); // shown when the echo arrives
    } else {
      return;
    }
    textEl.value = '';
    textEl.focus();
  }

  // ---- wiring ---------------------------------------------------------------

  if (!nameEl.value) {
    nameEl.value = 'guest-' + (0x10000 + Math.floor(Math.random() * 0x10000)).toString(16).slice(1);
  }
  var joinParam = new URLSearchParams(location.search).get('join');
  if (joinParam) joinUrlEl.value = joinParam;

  hostBtn.addEventListener('click', hostRoom);
  joinBtn.addEventListener('click', joinRoomByUrl);
  leaveBtn.addEventListener('click', leaveRoom);
  stopBtn.addEventListener('click', stopHosting);
  copyBtn.addEventListener('click', copyRoomUrl);
  sendBtn.addEventListener('click', sendText);
  textEl.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      sendText();
    }
  });
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);

  showRoomState();
  watchLobby();
  if (typeof BrowserSocket === 'undefined') setStatus(RUNTIME_MISSING, true);
})();
