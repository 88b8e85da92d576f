// A native Node.js echo server (the `ws` package), one of the experiments' baselines.
// Usage: node echo-server.js PORT   (0 = any free port; prints "listening PORT")
'use strict';
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.argv[2] || 0),
  maxPayload: 16 * 1024 * 1024,
  perMessageDeflate: false,
});
wss.on('listening', () => console.log('listening ' + wss.address().port));
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
