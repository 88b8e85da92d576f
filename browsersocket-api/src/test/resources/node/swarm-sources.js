// A peer for the swarm's script tests: a plain HTTP server whose answers misbehave on request.
// GET /ok?n=N: N bytes (0..255 repeating); /range: honours Range with 206; /short: says 100 bytes,
// sends 50, ends; /long: chunked, 200 bytes; /stall: headers, 10 bytes, then nothing; /status: 503.
// /p/<behaviour>/v1/<file> is a peer serving a file of fileBytes bytes (ok, stall, short, long,
// wrong, missing), /origin/<file> the origin serving it right.
var http = require('http');
function bytes(n) { var b = Buffer.alloc(n); for (var i = 0; i < n; i++) b[i] = i % 256; return b; }
module.exports = function start() {
  return new Promise(function (resolve) {
    var server = http.createServer(function (req, res) {
      var url = new URL(req.url, 'http://x');
      // A peer of the swarm: /p/<behaviour>/v1/<file> for a file of `fileBytes` bytes; the origin at /origin/<file>.
      var peer = /^\/p\/(\w+)\/v1\/(.+)$/.exec(url.pathname), origin = /^\/origin\/(.+)$/.exec(url.pathname);
      if (peer || origin) {
        var whole = bytes(module.exports.fileBytes), r = /bytes=(\d+)-(\d+)/.exec(req.headers.range || '');
        var start = r ? Number(r[1]) : 0, end = r ? Number(r[2]) + 1 : whole.length, part = whole.subarray(start, end);
        var how = peer ? peer[1] : 'ok';
        if (how === 'stall') { res.writeHead(206); res.write(part.subarray(0, 10)); return; }
        if (how === 'short') { res.writeHead(206); res.end(part.subarray(0, part.length - 1)); return; }
        if (how === 'long') { res.writeHead(206); res.end(Buffer.concat([part, Buffer.from('extra')])); return; }
        if (how === 'wrong') { res.writeHead(206); res.end(Buffer.alloc(part.length, 66)); return; }
        if (how === 'missing') { res.writeHead(404); res.end(); return; }
        res.writeHead(r ? 206 : 200);
        res.end(part);
        return;
      }
      if (url.pathname === '/ok') { res.end(bytes(Number(url.searchParams.get('n')))); return; }
      if (url.pathname === '/range') {
        var body = bytes(1000), m = /bytes=(\d+)-(\d+)/.exec(req.headers.range || '');
        if (!m) { res.end(body); return; }
        res.writeHead(206, { 'Content-Range': 'bytes ' + m[1] + '-' + m[2] + '/1000' });
        res.end(body.subarray(Number(m[1]), Number(m[2]) + 1));
        return;
      }
      if (url.pathname === '/short') { res.writeHead(200, { 'Content-Length': '100' }); res.write(bytes(50)); res.socket.end(); return; }
      if (url.pathname === '/long') { res.writeHead(200); res.write(bytes(100)); res.end(bytes(100)); return; }
      if (url.pathname === '/stall') { res.writeHead(200); res.write(bytes(10)); return; }
      res.writeHead(503); res.end('busy');
    });
    server.listen(0, '127.0.0.1', function () { resolve(server); });
  });
};
module.exports.fileBytes = 40000;
