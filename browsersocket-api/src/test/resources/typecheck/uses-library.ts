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
