/*
 * BrowserSocket two-browser chat demo.
 * The hosting page listens through BrowserSocket and relays all messages;
 * other pages join with a plain WebSocket. Wire format: JSON text frames.
 */
(function () {
  'use strict';

  var MAX_TEXT = 2000;
  var RUNTIME_MISSING = 'The BrowserSocket host runtime is not reachable at http://127.0.0.1:7040' +
    ' \u2014 start it with `make run`.';

  function $(id) { return document.getElementById(id); }
  var nameEl = $('name'), hostBtn = $('host'), joinUrlEl = $('join-url'), joinBtn = $('join');
  var textEl = $('text'), sendBtn = $('send'), statusEl = $('status'), logEl = $('log');
  var roomBox = $('room'), roomUrlEl = $('room-url'), roomLink = $('room-link'), copyBtn = $('copy');

  var role = null;   // null, 'host' or 'guest'
  var room = null;   // host: { name, members: Set of handlers that said hello }
  var socket = null; // guest: the WebSocket to the host

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

  function setInRoom(inRoom) {
    hostBtn.disabled = inRoom || typeof BrowserSocket === 'undefined';
    joinBtn.disabled = nameEl.disabled = inRoom;
  }

  // ---- host role: every incoming connection gets one of these handlers -------

  function broadcast(msg) {
    var data = JSON.stringify(msg);
    room.members.forEach(function (h) {
      try { h.send(data); } catch (e) { /* connection already gone */ }
    });
  }

  function onParticipantMessage(h, msg) {
    if (msg.type === 'hello' && !h.name && typeof msg.name === 'string') {
      h.name = cleanName(msg.name);
      var names = [room.name];
      room.members.forEach(function (m) { names.push(m.name); });
      h.send(JSON.stringify({ type: 'roster', names: names }));
      room.members.add(h);
      broadcast({ type: 'join', name: h.name });
      line('notice', h.name + ' joined');
    } else if (msg.type === 'chat' && h.name && typeof msg.text === 'string') {
      var text = msg.text.slice(0, MAX_TEXT);
      broadcast({ type: 'chat', name: h.name, text: text }); // includes the sender
      showChat(h.name, text);
    }
  }

  function makeHandler() {
    var myRoom = room;
    var h = {
      name: null, // set by hello
      onmessage: function (event) {
        var msg = parse(event.data);
        try { if (msg && room === myRoom) onParticipantMessage(h, msg); } catch (e) { /* ignore */ }
      },
      onclose: function () {
        if (room !== myRoom || !room.members.delete(h)) return;
        broadcast({ type: 'leave', name: h.name });
        line('notice', h.name + ' left');
      },
      onerror: function () { /* onclose follows */ }
    };
    return h;
  }

  function hostRoom() {
    if (typeof BrowserSocket === 'undefined') return setStatus(RUNTIME_MISSING, true);
    var bs, thisRoom = room = { name: cleanName(nameEl.value), members: new Set() };
    try { bs = new BrowserSocket(makeHandler); } catch (e) {
      room = null;
      return setStatus('Could not host a room: ' + e.message, true);
    }
    // The listener is on this device, wherever the page came from; other machines use the
    // reachable URLs listed below the room (from the address service).
    var url = 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix + 'room';
    role = 'host';
    setInRoom(true);
    roomUrlEl.value = url;
    roomLink.href = '?join=' + encodeURIComponent(url);
    roomBox.hidden = false;
    setStatus('Starting the room\u2026');

    function fail(e) {
      if (room !== thisRoom) return; // already torn down
      try { bs.stop(); } catch (ignored) { /* nothing left to stop */ }
      room = role = null;
      roomBox.hidden = true;
      setInRoom(false);
      setStatus((e && e.message) || 'The room could not be opened.', true);
    }
    bs.onerror = fail;
    bs.onpending = function (e) { if (room === thisRoom) setStatus(e.message); };
    Promise.resolve(bs.ready).then(function () {
      if (room === thisRoom) setStatus('Hosting: ' + url);
      showReachable(bs);
      advertise(thisRoom, url);
    }, fail);
  }

  // ---- the lobby: rooms advertised in the discovery service -----------------

  var LOBBY = 'browsersocket-chat-lobby';
  var discoveryUrl = window.BrowserSocketDemo && window.BrowserSocketDemo.discoveryService;
  var discovery = discoveryUrl && typeof BrowserSocketDiscovery !== 'undefined'
    ? new BrowserSocketDiscovery(discoveryUrl) : null;

  // While hosting, keep the room in the lobby (TTL 120 s, renewed every 60 s); withdraw on leaving.
  function advertise(thisRoom, url) {
    if (!discovery) return;
    var ad = JSON.stringify({ room: thisRoom.name + "'s room", host: thisRoom.name, url: url });
    var secret = Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return b.toString(16); }).join('');
    function renew() {
      if (room !== thisRoom) return;
      discovery.advertise(LOBBY, ad, { ttl: 120, secret: secret }).catch(function (e) {
        setStatus('Hosting, but the lobby is unavailable: ' + e.message, true);
      });
    }
    renew();
    var timer = setInterval(renew, 60000);
    window.addEventListener('pagehide', function () {
      clearInterval(timer);
      fetch(discoveryUrl.replace(/\/+$/, '') + '/v1/values/' + encodeURIComponent(LOBBY) + '/remove', {
        method: 'POST', mode: 'cors', keepalive: true, headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ value: ad, secret: secret })
      }).catch(function () { /* the TTL removes it anyway */ });
    });
  }

  // Lists open rooms as they appear and disappear (Server-Sent Events, no polling).
  function showLobby() {
    var list = $('lobby');
    if (!list) return;
    if (!discovery) { $('lobby-box').hidden = true; return; }
    discovery.watch(LOBBY, function (v) {
      var ad = parse(v.value);
      if (!ad || typeof ad.url !== 'string' || !/^wss?:\/\//.test(ad.url) || list.querySelector('[data-hash="' + v.hash + '"]')) return;
      var item = el('li', 'room', '');
      item.dataset.hash = v.hash;
      var join = el('button', 'join-room', 'Join');
      join.type = 'button';
      join.addEventListener('click', function () { joinUrlEl.value = ad.url; joinRoom(); });
      item.append(el('span', 'room-name', String(ad.room || 'a room').slice(0, 80)), ' ', join);
      list.appendChild(item);
      $('lobby-empty').hidden = true;
    }, function (gone) {
      var item = list.querySelector('[data-hash="' + gone.hash + '"]');
      if (item) item.remove();
      $('lobby-empty').hidden = list.children.length > 0;
    });
  }

  // The room's URLs as other machines see them, from the address service (IPv4, IPv6/Teredo).
  function showReachable(bs) {
    var list = $('reachable');
    var services = window.BrowserSocketDemo && window.BrowserSocketDemo.addressServices;
    if (!list || !services || typeof bs.reachableUrls !== 'function') return;
    bs.reachableUrls(services).then(function (urls) {
      list.textContent = '';
      urls.forEach(function (u) {
        var item = el('li', 'reachable', '');
        var tag = 'IPv' + u.family + (u.teredo ? ', Teredo via ' + u.teredo.server : '');
        item.append(el('code', 'url', u.url + 'room'), ' ', el('span', 'tag', '(' + tag + ')'));
        list.appendChild(item);
      });
      $('reachable-box').hidden = false;
    }, function (e) {
      list.textContent = '';
      list.appendChild(el('li', 'reachable error', 'Address service: ' + e.message));
      $('reachable-box').hidden = false;
    });
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

  function onHostMessage(msg) {
    var named = typeof msg.name === 'string';
    if (msg.type === 'chat' && named && typeof msg.text === 'string') {
      showChat(msg.name, msg.text.slice(0, MAX_TEXT));
    } else if ((msg.type === 'join' || msg.type === 'leave') && named) {
      line('notice', msg.name + (msg.type === 'join' ? ' joined' : ' left'));
    } else if (msg.type === 'roster' && Array.isArray(msg.names)) {
      line('roster', 'In the room: ' + msg.names.map(String).join(', '));
    }
  }

  function joinRoom() {
    var url = joinUrlEl.value.trim();
    if (!/^wss?:\/\/./i.test(url)) return setStatus('Enter a ws:// room URL to join.', true);
    var ws, opened = false;
    try { ws = new WebSocket(url); } catch (e) { return setStatus('Cannot connect: ' + e.message, true); }
    socket = ws;
    role = 'guest';
    setInRoom(true);
    setStatus('Connecting to ' + url + '\u2026');

    ws.onopen = function () {
      opened = true;
      ws.send(JSON.stringify({ type: 'hello', name: cleanName(nameEl.value) }));
      setStatus('Joined: ' + url);
    };
    ws.onmessage = function (event) {
      var msg = parse(event.data);
      try { if (msg) onHostMessage(msg); } catch (e) { /* ignore bad input */ }
    };
    ws.onclose = function (event) {
      if (socket !== ws) return;
      socket = role = null;
      setInRoom(false);
      setStatus(opened ? 'Disconnected from the room' + (event.reason ? ': ' + event.reason : '.')
        : 'Could not connect to ' + url, true);
    };
  }

  // ---- sending --------------------------------------------------------------

  function sendText() {
    var text = textEl.value.slice(0, MAX_TEXT);
    if (!text.trim()) return;
    if (role === 'host') {
      var msg = { type: 'chat', name: room.name, text: text };
      showChat(msg.name, text);
      broadcast(msg);
    } else if (role === 'guest' && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'chat', text: text })); // shown when the echo arrives
    } else {
      setStatus(role === 'guest' ? 'Still connecting\u2026 try again in a moment.'
        : 'Host a room or join one before sending messages.');
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
  joinBtn.addEventListener('click', joinRoom);
  copyBtn.addEventListener('click', copyRoomUrl);
  sendBtn.addEventListener('click', sendText);
  textEl.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      sendText();
    }
  });

  setInRoom(false);
  showLobby();
  if (typeof BrowserSocket === 'undefined') setStatus(RUNTIME_MISSING, true);
})();
