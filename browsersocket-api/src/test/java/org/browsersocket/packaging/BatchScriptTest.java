package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Batched data frames on the page's control channel: what the runtime sends together reaches each
 * connection in order, and what the page sends in one task travels together (with FakeRuntime, and
 * lib/wire.js alone for the layout).
 */
class BatchScriptTest {
    /** Opens connections 1 and 2 on listener 0, each echoing what it receives with a tag. */
    private static final String TWO_ECHOES = """
            const got = [];
            const bs = new BrowserSocket(() => {
              let id;
              return {
                onhandshake(request) { id = request.resource.slice(3); },
                onmessage(e) { got.push(id + ':' + (typeof e.data === 'string' ? e.data : new Uint8Array(e.data).join('.'))); this.send('re ' + id); }
              };
            });
            await runtime.open();
            for (const conn of [1, 2]) {
              runtime.message({ type: 'handshake', conn, listener: 0, resource: '/p/' + conn, origin: null, protocols: [],
                                headers: {}, remoteAddress: '127.0.0.1:1' });
              runtime.message({ type: 'open', conn, protocol: '' });
            }
            const text = (s) => Buffer.from(s);
            await runtime.sleep(0); // the accepts are out
            const batchesBefore = runtime.batches;
            """;

    @Test
    void aBatchFromTheRuntimeReachesEachConnectionInOrderAndTheRepliesTravelBackAsOneBatch() throws Exception {
        assertEquals("1:a 2:b 1:7.8 2:c | batches 1 | 1:re 1 2:re 2 1:re 1 2:re 2", FakeRuntime.run(ScriptBundle.RUNTIME, TWO_ECHOES + """
                runtime.batch([[0, 1, text('a')], [0, 2, text('b')], [1, 1, Uint8Array.of(7, 8)], [0, 2, text('c')]]);
                await runtime.sleep(0);
                const replies = runtime.sent.filter((m) => m.kind === 0).map((m) => m.id + ':' + m.bytes.toString());
                runtime.print(got.join(' ') + ' | batches ' + (runtime.batches - batchesBefore) + ' | ' + replies.join(' '));
                """));
    }

    @Test
    void handshakesArrivingInOneBatchAreAnsweredInOneBatchAndMessagesAfterThemReachTheirConnections() throws Exception {
        assertEquals("accepts 1,2,3 in 1 batch | 2:hi", FakeRuntime.run(ScriptBundle.RUNTIME, """
                const got = [];
                const bs = new BrowserSocket(() => ({ onmessage(e) { got.push(e.data); } }));
                await runtime.open();
                const control = (m) => [5, 0, Buffer.from(JSON.stringify(m))];
                const handshake = (conn) => control({ type: 'handshake', conn, listener: 0, resource: '/p/' + conn, origin: null,
                                                      protocols: [], headers: {}, remoteAddress: '127.0.0.1:1' });
                runtime.batch([handshake(1), handshake(2), handshake(3)]);
                await runtime.sleep(0);
                const accepts = runtime.sent.filter((m) => m.type === 'accept').map((m) => m.conn);
                runtime.batch([control({ type: 'open', conn: 2, protocol: '' }), [0, 2, Buffer.from('hi')]]);
                runtime.print('accepts ' + accepts.join(',') + ' in ' + runtime.batches + ' batch | 2:' + got.join(','));
                """));
    }

    @Test
    void aLoneSendTravelsAsAPlainDataFrame() throws Exception {
        assertEquals("batches 0, frames 1", FakeRuntime.run(ScriptBundle.RUNTIME, TWO_ECHOES + """
                runtime.frame(0, 1, text('alone'));
                await runtime.sleep(0);
                runtime.print('batches ' + (runtime.batches - batchesBefore) + ', frames ' + runtime.sent.filter((m) => m.kind === 0).length);
                """));
    }

    @Test
    void aControlMessageSentAfterDataInTheSameTaskGoesAfterItInTheSameBatch() throws Exception {
        assertEquals("data 1 data 1 close 1 | batches 1", FakeRuntime.run(ScriptBundle.RUNTIME, """
                let handler;
                const bs = new BrowserSocket(() => (handler = {}));
                await runtime.open();
                runtime.message({ type: 'handshake', conn: 1, listener: 0, resource: '/p/1', origin: null, protocols: [],
                                  headers: {}, remoteAddress: '127.0.0.1:1' });
                runtime.message({ type: 'open', conn: 1, protocol: '' });
                handler.send('one');
                handler.send('two');
                handler.close(1000, 'bye');
                await runtime.sleep(0);
                runtime.print(runtime.sent.filter((m) => m.kind === 0 || m.type === 'close')
                  .map((m) => m.type === 'close' ? 'close ' + m.conn : 'data ' + m.id).join(' ') + ' | batches ' + runtime.batches);
                """));
    }

    @Test
    void aBatchStaysWithinTheRuntimesMessageLimit() throws Exception {
        assertEquals("3 messages, largest 63", FakeRuntime.run(ScriptBundle.RUNTIME, """
                let handler;
                const bs = new BrowserSocket(() => (handler = {}));
                await runtime.open();
                // 64 bytes: two 25-byte frames fit in a batch (5 + 2 x 29 = 63), a third does not.
                runtime.message({ type: 'welcome', port: 7041, maxMessageBytes: 64, batches: true });
                runtime.message({ type: 'handshake', conn: 1, listener: 0, resource: '/p/1', origin: null, protocols: [],
                                  headers: {}, remoteAddress: '127.0.0.1:1' });
                runtime.message({ type: 'open', conn: 1, protocol: '' });
                await runtime.sleep(0); // the accept is out
                const sizes = [];
                const send = runtime.socket.send.bind(runtime.socket);
                runtime.socket.send = (data) => { sizes.push(data.length); send(data); };
                for (let i = 0; i < 5; i++) handler.send(new Uint8Array(20));
                await runtime.sleep(0);
                runtime.print(sizes.length + ' messages, largest ' + Math.max(...sizes));
                """));
    }

    @Test
    void aPageSendsNoBatchesToARuntimeThatDoesNotReadThem() throws Exception {
        assertEquals("batches 0, frames 3", FakeRuntime.run(ScriptBundle.RUNTIME, """
                let handler;
                const bs = new BrowserSocket(() => (handler = {}));
                await runtime.open();
                runtime.message({ type: 'welcome', port: 7041, maxMessageBytes: 1024 });
                runtime.message({ type: 'handshake', conn: 1, listener: 0, resource: '/p/1', origin: null, protocols: [],
                                  headers: {}, remoteAddress: '127.0.0.1:1' });
                runtime.message({ type: 'open', conn: 1, protocol: '' });
                handler.send('a'); handler.send('b'); handler.send('c');
                await runtime.sleep(0);
                runtime.print('batches ' + runtime.batches + ', frames ' + runtime.sent.filter((m) => m.kind === 0).length);
                """));
    }

    @Test
    void aBatchCutAtAnyByteDeliversTheWholeFramesBeforeTheCutAndThrows() throws Exception {
        // Every cut of a three-frame batch: how many frames were visited, and whether it threw.
        String out = NodeProgram.run(Path.of("target"), NodeProgram.fragment("lib/wire.js") + """
                const frames = [encodeDataFrame(1, 'ab', 100), encodeBodyFrame(2, new Uint8Array([5])), encodeControlFrame('{}')];
                const batch = encodeBatch(frames);
                const seen = [];
                for (let cut = 5; cut <= batch.length; cut++) {
                  let visited = 0, threw = false;
                  try { forEachDataFrame(batch.slice(0, cut).buffer, () => visited++); } catch (e) { threw = e instanceof RangeError; }
                  seen.push(visited + (threw ? '!' : ''));
                }
                const whole = [];
                forEachDataFrame(batch.buffer, (kind, id, data) => whole.push(kind + '/' + id + '/' + (data === undefined ? '-' : typeof data === 'string' ? data : new Uint8Array(data).join('.'))));
                console.log(seen.join(' ') + ' | ' + whole.join(' '));
                """);
        // 5 header bytes, then frames of 4+7, 4+6 and 4+7 bytes (ending at 16, 26, 37): whole frames before each cut.
        assertEquals("0! ".repeat(11) + "1! ".repeat(10) + "2! ".repeat(11) + "3"
                + " | 0/1/ab 2/2/5 5/0/{}", out);
    }
}
