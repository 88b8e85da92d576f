// A page joining its site's swarm, written against browsersocket-swarm.d.ts (with browsersocket.d.ts).
const swarm: BrowserSocketSwarm = BrowserSocketSwarm.start({
  publicKey: 'd1qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  discovery: 'http://127.0.0.1:7060',
  worker: '/browsersocket-swarm-worker.js',
  uploadBytesPerSecond: 1 << 20,
  urls: (listener: BrowserSocket) => ['http://127.0.0.1:' + listener.port + listener.resourcePrefix],
});
swarm.onstats = (e) => { const fromPeers: number = e.stats.fromPeers; console.log(fromPeers, e.stats.rejected.length); };
swarm.onrejected = (e) => console.log(e.reason, e.peer);
swarm.onversion = (e) => console.log(e.version > e.previous);
swarm.ready.then((s) => {
  const manifest = s.manifest;
  if (manifest) console.log(manifest.version, manifest.files.map((f) => f.path + ' ' + f.size));
  return s.fetch('assets/hero.png');
}).then((r: Response) => r.blob());
swarm.checkForUpdate().then((moved: boolean) => moved && swarm.stop());
