// A stand-in for the host runtime's end of a page's control channel, for driving the library
// under Node.js: it replaces `WebSocket` (the library's link to the runtime), records what the
// page sends, and lets a test send what the runtime would. Load it before the library's bundle.
'use strict';
globalThis.window = globalThis;

const KIND_END = 3;
const KIND_BATCH = 4;
const KIND_CONTROL = 5;
const sent = [];    // what the page sent: control messages, and frames as {kind, id, bytes} (a batch's one by one)
let batches = 0;    // how many batches the page sent
let waiters = [];   // {test, resolve} for what the page has yet to send
let socket = null;

class FakeWebSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.bufferedAmount = 0;
    this.binaryType = 'blob';
    socket = this;
  }
  send(data) {
    if (typeof data === 'string') {
      this.received(JSON.parse(data));
      return;
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (view.getUint8(0) !== KIND_BATCH) {
      this.received(frameOf(data));
      return;
    }
    batches++;
    for (let i = 0, at = 5; i < view.getUint32(1); i++) {
      const length = view.getUint32(at);
      const frame = frameOf(data.subarray(at + 4, at + 4 + length));
      this.received(frame.kind === KIND_CONTROL ? JSON.parse(frame.bytes.toString()) : frame);
      at += 4 + length;
    }
  }
  received(item) {
    sent.push(item);
    waiters = waiters.filter((w) => !(w.test(item) && (w.resolve(item), true)));
  }
  close(code, reason) {
    this.closeFromRuntime(code || 1000, reason || '');
  }
  closeFromRuntime(code, reason) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose({ code: code, reason: reason, wasClean: code !== 1006 });
  }
}
globalThis.WebSocket = FakeWebSocket;

function frameOf(data) {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { kind: view.getUint8(0), id: view.getUint32(1), bytes: Buffer.from(data.subarray(5)) };
}
// What the library reports to the page's console (reportError), by message.
globalThis.reportError = (e) => runtime.reported.push(e instanceof Error ? e.message : String(e));

/** What the page has sent and will send, and how to speak as the runtime. */
const runtime = {
  sent,
  reported: [],
  /** How many batches the page has sent. */
  get batches() { return batches; },
  /** Opens the channel and confirms listener 0 (prefix /p/). */
  async open() {
    await new Promise((r) => setTimeout(r, 0));
    socket.readyState = 1;
    socket.onopen();
    runtime.message({ type: 'welcome', port: 7041, maxMessageBytes: 16777216, batches: true });
    runtime.listening(0);
  },
  /** Confirms listener `index` (prefix /p/ for 0, /q/ for 1). */
  listening(index) {
    runtime.message({ type: 'listening', listener: index, prefix: index ? '/q/' : '/p/', port: 7041 });
  },
  message(m) {
    socket.onmessage({ data: JSON.stringify(m) });
  },
  frame(kind, id, bytes) {
    socket.onmessage({ data: dataFrame(kind, id, bytes).buffer });
  },
  /** Several data frames, each [kind, id, bytes], in one batch. */
  batch(frames) {
    const encoded = frames.map(([kind, id, bytes]) => dataFrame(kind, id, bytes));
    const batch = new Uint8Array(5 + encoded.reduce((n, f) => n + 4 + f.length, 0));
    const view = new DataView(batch.buffer);
    batch[0] = KIND_BATCH;
    view.setUint32(1, encoded.length);
    let at = 5;
    for (const f of encoded) {
      view.setUint32(at, f.length);
      batch.set(f, at + 4);
      at += 4 + f.length;
    }
    socket.onmessage({ data: batch.buffer });
  },
  /**
   * An HTTP request for listener 0 (for `listener` if given); `body` (a string, or an array of
   * them for several frames) follows as body frames and an end frame; `body: null` announces a
   * body and sends none of it yet.
   */
  request(conn, method, resource, headers, body, listener) {
    runtime.message({ type: 'request', conn, listener: listener || 0, method, url: 'http://127.0.0.1:7041' + resource,
                      resource, headers: headers || [], remoteAddress: '127.0.0.1:50000', body: body !== undefined });
    if (body !== undefined && body !== null) {
      [].concat(body).filter((piece) => piece.length).forEach((piece) => runtime.frame(2, conn, Buffer.from(piece)));
      runtime.frame(KIND_END, conn);
    }
  },
  /** The next thing the page sends that passes `test` (whether sent already or yet to come). */
  next(test) {
    const found = sent.find(test);
    if (found) {
      sent.splice(sent.indexOf(found), 1);
      return Promise.resolve(found);
    }
    return new Promise((resolve) => waiters.push({ test, resolve: (item) => { sent.splice(sent.indexOf(item), 1); resolve(item); } }));
  },
  /** The page's whole answer to exchange `id`: `{status, headers, length, body, ended}` or `{aborted}`. */
  async response(id) {
    const head = await runtime.next((m) => (m.type === 'response' || m.type === 'abort') && m.conn === id);
    if (head.type === 'abort') return { aborted: head.reason };
    const chunks = [];
    for (;;) {
      const item = await runtime.next((m) => m.id === id && m.kind !== undefined || (m.type === 'abort' && m.conn === id));
      if (item.type === 'abort') return { status: head.status, aborted: item.reason, body: Buffer.concat(chunks).toString() };
      if (item.kind === KIND_END) break;
      chunks.push(item.bytes);
    }
    return { status: head.status, headers: head.headers, length: head.length, body: Buffer.concat(chunks).toString(),
             frames: chunks.length };
  },
  closeChannel(code) {
    socket.closeFromRuntime(code || 1006, '');
  },
  get socket() { return socket; },
  sleep(ms) { return new Promise((r) => setTimeout(r, ms)); },
  print(value) { console.log(typeof value === 'string' ? value : JSON.stringify(value)); }
};

function dataFrame(kind, id, bytes) {
  const frame = new Uint8Array(5 + (bytes ? bytes.length : 0));
  frame[0] = kind;
  new DataView(frame.buffer).setUint32(1, id);
  if (bytes) frame.set(bytes, 5);
  return frame;
}

module.exports = runtime;
