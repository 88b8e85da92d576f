// Page code written against browsersocket.d.ts: must compile under tsc --strict.
const bs = new BrowserSocket(() => ({ onmessage(event) { this.send?.(event.data); } }));
bs.onreachability = (event) => {
  for (const u of event.urls) console.log(u.kind, u.url, u.family, u.host, u.port, u.secure, u.detail, u.confirmed);
};
bs.addEventListener('reachability', (event) => console.log(event.urls.length));
bs.reachableUrls({ ipv4: 'http://198.51.100.7:7050' }).then(async (urls) => {
  const kinds: BrowserSocketReachabilityKind[] = urls.map((u) => u.kind);
  console.log(kinds, urls.errors.join('; '));
  const ws = await BrowserSocket.connect(urls, ['chat.v1'], { stagger: 250, timeout: 10000 });
  const won: BrowserSocketReachableUrl = ws.candidate;
  console.log(won.kind, ws.readyState);
});
BrowserSocketConnect.connect(['ws://203.0.113.11:7041/p/', { url: 'wss://relay.example:443/p/' }], 'chat.v1',
                             { signal: new AbortController().signal })
  .then((ws) => ws.send(ws.candidate.url))
  .catch((e: BrowserSocketConnectError) => e.errors.forEach((x) => console.log(x.url, x.message)));

// HTTP: onrequest, the 'request' event, publish and purge.
bs.onrequest = async function (request) {
  const body = request.method === 'POST' ? await request.text() : '';
  request.signal.addEventListener('abort', () => console.log('client gone'));
  return new Response(request.path + ' ' + request.remoteAddress + ' ' + request.headers.get('host') + body,
                      { headers: { 'content-type': 'text/plain; charset=utf-8' } });
};
bs.addEventListener('request', (event) => {
  if (event.request.path.startsWith('/static/')) event.respondWith(fetch('/assets' + event.request.path));
  console.log(event.remoteAddress, event.request.url);
});
bs.publish('/notes', new Response('kept by the relays')).then(({ agents, reason }) => console.log(agents, reason));
bs.purge('/notes').then((answer) => answer.agents);
bs.purge();
const handler: BrowserSocketConnectionHandler = {
  onerror(event) { console.log(event.type); },
  onclose(event) { console.log(event.wasClean, event.code); },
};
console.log(handler);
const lobby = new BrowserSocketDiscovery('http://127.0.0.1:7060');
lobby.lookup('chat-lobby').then((values) => values.map((v) => v.value + v.ttl));

// A named listener: the same prefix on every visit.
const notes = new BrowserSocket(() => ({}), { name: 'notes' });
notes.onrequest = (request) => new Response('notes at ' + request.path);
