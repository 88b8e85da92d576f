// Tile Quest's page: draws the level from its tiles. With the swarm (the default) the assets come
// through BrowserSocketSwarm: from other players' pages, checked against the signed manifest, or
// from the site; once the service worker controls the page, plain fetch() calls go the same way.
// `?swarm=off` loads everything from the site, for comparison; `?upload=N` limits what this page
// serves to N bytes/s. `window.tileQuest` says how it went.
(function () {
  var site = window.BrowserSocketSwarmSite;
  var query = new URLSearchParams(location.search);
  var swarmOn = query.get('swarm') !== 'off';
  var started = performance.now();
  var status = window.tileQuest = { loaded: false, loadMs: null, readyMs: null, version: null, error: null, via: null, swarm: null };
  var $ = function (id) { return document.getElementById(id); };

  function script(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('could not load ' + src)); };
      document.head.appendChild(s);
    });
  }

  function bytes(n) {
    return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(2) + ' MiB';
  }

  // The level and its tiles through `get(path)` (a Response promise); the sound bank too (a game loads it up front).
  function loadAssets(get) {
    return get('assets/level.json').then(function (r) { return r.json(); }).then(function (level) {
      return Promise.all(level.tiles.map(function (name) {
        return get('assets/tiles/' + name + '.png').then(function (r) { return r.blob(); }).then(createImageBitmap);
      }).concat([get('assets/sounds.bin').then(function (r) { return r.arrayBuffer(); })])).then(function (loaded) {
        draw(level, loaded.slice(0, level.tiles.length));
        return level;
      });
    });
  }

  function draw(level, tiles) {
    var canvas = $('map'), g = canvas.getContext('2d'), size = 32;
    level.map.forEach(function (row, y) {
      row.forEach(function (t, x) { g.drawImage(tiles[t], (x * 37) % 480, (y * 53) % 480, size, size, x * size, y * size, size, size); });
    });
  }

  function render(stats) {
    var total = stats.fromPeers + stats.fromOrigin;
    $('from-peers').textContent = bytes(stats.fromPeers) + (total ? ' (' + Math.round(100 * stats.fromPeers / total) + '%)' : '');
    $('from-origin').textContent = bytes(stats.fromOrigin);
    $('served').textContent = bytes(stats.served);
    $('version').textContent = stats.version == null ? '…' : String(stats.version);
    $('peer-bar').style.width = (total ? 100 * stats.fromPeers / total : 0) + '%';
    var list = $('rejected');
    if (stats.rejected.length) {
      list.textContent = '';
      stats.rejected.slice(-5).forEach(function (r) {
        var li = document.createElement('li');
        li.textContent = (r.peer ? r.peer + ': ' : '') + r.reason;
        list.appendChild(li);
      });
    }
  }

  function loaded(via) {
    status.loaded = true;
    status.via = via;
    status.loadMs = performance.now() - started;
    $('load-time').textContent = Math.round(status.loadMs) + ' ms';
    $('state').textContent = 'playing (assets ' + via + ')';
  }

  function failed(e) {
    status.error = e.message;
    $('state').textContent = 'could not start: ' + e.message;
    $('state').className = 'state error';
  }

  // Without the swarm (a refused manifest, no runtime), the game still runs: from the site.
  function fromSiteInstead(e) {
    status.error = e.message;
    return loadAssets(function (path) { return fetch(path, { cache: 'no-store' }); }).then(function () {
      loaded('from the site only');
      $('state').textContent = 'swarm refused (' + e.message + '): playing with the assets from the site';
      $('state').className = 'state error';
    }, failed);
  }

  setInterval(function () {
    fetch('/swarm/origin-stats.json', { cache: 'no-store' }).then(function (r) { return r.json(); })
      .then(function (s) { $('origin-total').textContent = bytes(s.siteBytes); }, function () {});
  }, 1000);

  if (!swarmOn) {
    loadAssets(function (path) { return fetch(path, { cache: 'no-store' }); }).then(function () { loaded('from the site only'); }, failed);
    return;
  }
  // The two scripts load side by side: the swarm's needs BrowserSocket only once it starts.
  Promise.all([script(site.runtime + '/browsersocket.js'), script('/browsersocket-swarm.js')]).then(function () {
    var swarm = status.swarm = BrowserSocketSwarm.start({ publicKey: site.publicKey, discovery: site.discovery,
      worker: '/browsersocket-swarm-worker.js', pollSeconds: site.pollSeconds || 30, prefetch: true,
      uploadBytesPerSecond: Number(query.get('upload') || site.uploadBytesPerSecond || 0), maxPeers: site.maxPeers || 8,
      // A lab on one machine advertises loopback only; otherwise the listener's reachable URLs come first.
      urls: site.loopbackOnly ? function (bs) { return ['http://127.0.0.1:' + bs.port + bs.resourcePrefix]; } : undefined });
    swarm.onstats = function (e) { render(e.stats); };
    swarm.onrejected = function () { render(swarm.stats); };
    swarm.onerror = function (e) { $('state').textContent = e.message; };
    swarm.onversion = function (e) {
      status.version = e.version;
      loadAssets(function (path) { return swarm.fetch(path); }).then(function () { render(swarm.stats); });
    };
    return swarm.ready.then(function () {
      status.readyMs = performance.now() - started;
      status.version = swarm.manifest.version;
      render(swarm.stats);
      // A page the service worker controls fetches as any page does; before that, through the library.
      var controlled = navigator.serviceWorker && navigator.serviceWorker.controller;
      return loadAssets(controlled ? function (path) { return fetch(path); } : function (path) { return swarm.fetch(path); })
        .then(function () { loaded(controlled ? 'through the service worker' : 'through the swarm library'); render(swarm.stats); });
    });
  }).catch(fromSiteInstead);
})();
