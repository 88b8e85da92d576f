// A peer for the swarm's script tests: a plain HTTP server whose answers misbehave on request.
// GET /ok?n=N: N bytes (0..255 repeating); /range: honours Range with 206; /short: says 100 bytes,
// sends 50, ends; /long: chunked, 200 bytes; /stall: headers, 10 bytes, then nothing; /status: 503.
var http = require('http');
function bytes(n) { var b = Buffer.alloc(n); for (var i = 0; i < n; i++) b[i] = i % 256; return b; }
module.exports = function start() {
  return new Promise(function (resolve) {
    var server = http.createServer(function (req, res) {
      var url = new URL(req.url, 'http://x');
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
