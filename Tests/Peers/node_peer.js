// A WebSocket server written with Node's `ws` (Debian's node-ws), for wsmon's end-to-end
// tests. Same paths as python_peer.py. Usage: node node_peer.js [--port 0] [--deflate]
// (--deflate: perMessageDeflate on, compressing messages of 1 KiB or more, ws's default).
// Prints "READY <port>" once listening; exits when stdin closes, on SIGTERM, or when its parent dies.
'use strict';
module.paths.push('/usr/share/nodejs', '/usr/lib/nodejs');
const { WebSocketServer } = require('ws');

const RAW_CLOSE_1000 = Buffer.from([0x88, 0x02, 0x03, 0xe8]);
const log = [];
const portIndex = process.argv.indexOf('--port');
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 0;

const perMessageDeflate = process.argv.includes('--deflate');
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate });
wss.on('listening', () => process.stdout.write(`READY ${wss.address().port}\n`));
wss.on('connection', (ws, request) => {
  const url = new URL(request.url, 'http://peer');
  const query = Object.fromEntries(url.searchParams);
  const code = Number(query.code || 1000);
  const reason = query.reason || '';
  switch (url.pathname) {
    case '/log':
      ws.send(JSON.stringify(log));
      ws.close();
      return;
    case '/last-message-then-close':
      ws.send('last message');
      ws.close(code, reason || 'bye');
      return;
    case '/half-close':
      setTimeout(() => {
        // Below the library: ws would otherwise answer the reply and end the socket.
        ws._socket.pause();
        ws._socket.write(RAW_CLOSE_1000);
      }, Number(query.after || 0.2) * 1000);
      return;
  }
  const entry = { n: log.length + 1, messages: [], close_code: null };
  if (url.pathname === '/record') log.push(entry);
  if (query['close-after'] !== undefined) {
    setTimeout(() => ws.close(code, reason), Number(query['close-after']) * 1000);
  }
  ws.on('message', (data, isBinary) => {
    if (!isBinary) entry.messages.push(data.toString());
    ws.send(data, { binary: isBinary });
  });
  ws.on('close', (closeCode) => { entry.close_code = closeCode; });
});

// Also exit when the test process that started us goes away: a sibling may hold our stdin open.
const parent = process.ppid;
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500);
