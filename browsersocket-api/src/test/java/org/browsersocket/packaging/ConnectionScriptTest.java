package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A connection handler's callbacks, with a stand-in runtime (FakeRuntime). */
class ConnectionScriptTest {
    @Test
    void onerrorComesRightBeforeOncloseOnlyWhenAnOpenConnectionClosesUncleanly() throws Exception {
        assertEquals("1: open, close 1000 clean | 2: open, error, close 1006 unclean | 3: (never opened)", FakeRuntime.run(ScriptBundle.RUNTIME, """
                const log = {};
                const bs = new BrowserSocket(() => {
                  let id;
                  return {
                    onhandshake(request) { id = request.resource.slice(3); log[id] = []; },
                    onopen() { log[id].push('open'); },
                    onerror(e) { log[id].push(e.type); },
                    onclose(e) { log[id].push('close ' + e.code + ' ' + (e.wasClean ? 'clean' : 'unclean')); }
                  };
                });
                await runtime.open();
                for (const conn of [1, 2, 3]) {
                  runtime.message({ type: 'handshake', conn, listener: 0, resource: '/p/' + conn, origin: null, protocols: [],
                                    headers: {}, remoteAddress: '127.0.0.1:1' });
                }
                runtime.message({ type: 'open', conn: 1, protocol: '' });
                runtime.message({ type: 'open', conn: 2, protocol: '' });
                runtime.message({ type: 'close', conn: 1, code: 1000, reason: '', wasClean: true });
                runtime.message({ type: 'close', conn: 2, code: 1006, reason: '', wasClean: false });
                runtime.message({ type: 'close', conn: 3, code: 1006, reason: '', wasClean: false });
                runtime.print(Object.keys(log).map((id) => id + ': ' + (log[id].join(', ') || '(never opened)')).join(' | '));
                """));
    }
}
