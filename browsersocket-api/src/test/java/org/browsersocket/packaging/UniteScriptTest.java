package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The runtime's unite.js: Opera Unite's opera.io.webserver on a listener, with a stand-in runtime
 * (FakeRuntime). The Unite listener is the page's first: prefix /p/.
 */
class UniteScriptTest {
    private static final String MARKER = "<!-- The blog example of Opera's \"Opera Unite developer's primer\" (script.js), unmodified: -->";

    private static String run(String scenario) throws Exception {
        return FakeRuntime.run(ScriptBundle.UNITE, "await runtime.open();\n" + scenario);
    }

    /** The primer's blog example as the demo page has it. */
    private static String blogExample() throws Exception {
        String page = Files.readString(Path.of("src/main/demo/unite-blog/index.html"));
        int marker = page.indexOf(MARKER);
        assertTrue(marker > 0, "the demo page marks the primer's example");
        int start = page.indexOf("<script>", marker) + "<script>".length();
        return page.substring(start, page.indexOf("</script>", start));
    }

    @Test
    void thePrimersBlogExampleRunsUnmodified() throws Exception {
        String out = FakeRuntime.run(ScriptBundle.UNITE, blogExample() + """
                window.onload();
                await runtime.open();
                const get = async (conn, method, resource, headers, body) => {
                  runtime.request(conn, method, resource, headers, body);
                  const r = await runtime.response(conn);
                  const location = (r.headers || []).find((h) => h[0] === 'location');
                  return (r.status + (location ? ' -> ' + location[1] : '') + ' ' + r.body.replace(/<[^>]*>/g, ' ')).replace(/\\s+/g, ' ').trim();
                };
                runtime.print(await get(1, 'GET', '/p/', []));
                runtime.print(await get(2, 'GET', '/p/form', []));
                runtime.print(await get(3, 'POST', '/p/save', [['content-type', 'application/x-www-form-urlencoded']],
                                        'title=First+post&text=Hello%2C+Unite%21'));
                runtime.print((await get(4, 'GET', '/p/', [])).replace(/^200 .*: First post/, '200 (date): First post'));
                runtime.print(await get(5, 'GET', '/p/entry?id=0', []));
                runtime.print(await get(6, 'GET', '/p/nothing', []));
                """);
        assertEquals(String.join("\n",
                "200 Entries Add en entry .",
                "200 Add entry Add entry Title Text",
                "302 -> /p/",
                "200 (date): First post Add en entry .",
                "200 First post First post Hello, Unite! Index .",
                "404 nothing here: no handler for \"nothing\""), out);
    }

    @Test
    void webserverIsDefinedAsTheScriptRunsWithTheListenersPrefixAndPort() throws Exception {
        assertEquals("/p/ 7041 object", FakeRuntime.run(ScriptBundle.UNITE, """
                runtime.print([opera.io.webserver.currentServicePath, opera.io.webserver.port, typeof opera.io.webserver.browserSocket].join(' '));
                """));
    }

    @Test
    void theRequestHasItsUriHeadersAndItemsAsUniteGaveThem() throws Exception {
        assertEquals("{\"method\":\"POST\",\"uri\":\"/p/look/here?a=1&a=2&b=%C3%A9\",\"cookie\":[\"c=1\",\"d=2\"],\"none\":null,"
                + "\"query\":{\"a\":[\"1\",\"2\"],\"b\":[\"é\"]},\"body\":{\"x\":[\"y\"],\"__proto__\":[\"z\"]},\"getItem\":[\"1\",\"2\"],"
                + "\"raw\":\"x=y&__proto__=z\",\"ip\":\"127.0.0.1\",\"host\":\"h:7041\",\"protocol\":\"http\",\"isLocal\":true,\"isOwner\":false}", run("""
                opera.io.webserver.addEventListener('look', (e) => {
                  const req = e.connection.request;
                  e.connection.response.write(JSON.stringify({ method: req.method, uri: req.uri, cookie: req.headers.cookie,
                    none: req.getRequestHeader('X-None'), query: req.queryItems, body: req.bodyItems, getItem: req.getItem('a', 'GET'),
                    raw: req.body, ip: req.ip, host: req.getRequestHeader('Host')[0], protocol: req.protocol,
                    isLocal: e.connection.isLocal, isOwner: e.connection.isOwner }));
                  e.connection.response.close();
                }, false);
                runtime.request(1, 'POST', '/p/look/here?a=1&a=2&b=%C3%A9', [['host', 'h:7041'], ['cookie', 'c=1'], ['cookie', 'd=2'],
                  ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']], 'x=y&__proto__=z');
                runtime.print((await runtime.response(1)).body);
                """));
    }

    @Test
    void aMultipartFormGivesItsFieldsAsBodyItemsAndItsFilesAsFiles() throws Exception {
        assertEquals("{\"title\":[\"T\"]} notes.txt:5", run("""
                opera.io.webserver.addEventListener('up', (e) => {
                  const req = e.connection.request;
                  e.connection.response.write(JSON.stringify(req.bodyItems) + ' ' + req.files.map((f) => f.name + ':' + f.size).join());
                  e.connection.response.close();
                }, false);
                const form = new FormData();
                form.append('title', 'T');
                form.append('file', new Blob(['12345']), 'notes.txt');
                const encoded = new Request('http://x/', { method: 'POST', body: form });
                const body = Buffer.from(await encoded.arrayBuffer()).toString('latin1');
                runtime.request(1, 'POST', '/p/up', [['content-type', encoded.headers.get('content-type')]], [Buffer.from(body, 'latin1')]);
                runtime.print((await runtime.response(1)).body);
                """));
    }

    @Test
    void aBodyOver1MiBIsRefused413() throws Exception {
        assertEquals("413 413 not called", run("""
                let called = false;
                opera.io.webserver.addEventListener('up', () => { called = true; }, false);
                runtime.request(1, 'POST', '/p/up', [['content-length', '2000000']], null);
                const declared = await runtime.response(1);
                runtime.request(2, 'POST', '/p/up', [], ['a'.repeat(600000), 'b'.repeat(600000)]);
                const streamed = await runtime.response(2);
                runtime.print(declared.status + ' ' + streamed.status + ' ' + (called ? 'called' : 'not called'));
                """));
    }

    @Test
    void specificHandlersRunBeforeTheRequestCatchAllAndIndexIsTheRootOnly() throws Exception {
        assertEquals("/p/: _index _request | /p/_index: _request | /p/x: x _request | /p/y: _request", run("""
                const calls = [];
                const server = opera.io.webserver;
                server.addEventListener('_request', (e) => { calls.push('_request'); e.connection.response.close(); }, false);
                server.addEventListener('_index', (e) => calls.push('_index'), false);
                server.addEventListener('x', (e) => calls.push('x'), false);
                const lines = [];
                let conn = 0;
                for (const resource of ['/p/', '/p/_index', '/p/x', '/p/y']) {
                  calls.length = 0;
                  runtime.request(++conn, 'GET', resource, []);
                  await runtime.response(conn);
                  lines.push(resource + ': ' + calls.join(' '));
                }
                runtime.print(lines.join(' | '));
                """));
    }

    @Test
    void statusAndHeadersFreezeAtTheFirstWriteAndTheBodyStreams() throws Exception {
        assertEquals("InvalidStateError InvalidStateError | 201 null [\"a=1\",\"b=2\"] text/plain | one two", run("""
                const errors = [];
                opera.io.webserver.addEventListener('s', (e) => {
                  const res = e.connection.response;
                  res.setStatusCode(201);
                  res.setResponseHeader('Content-Type', 'text/plain');
                  res.setResponseHeader('Set-Cookie', 'a=1');
                  res.setResponseHeader('Set-Cookie', 'b=2');
                  res.write('one ');
                  try { res.setStatusCode(500); } catch (x) { errors.push(x.name); }
                  try { res.setResponseHeader('X', 'y'); } catch (x) { errors.push(x.name); }
                  setTimeout(() => { res.writeBytes([116, 119, 111]); res.close(); }, 150);
                }, false);
                runtime.request(1, 'GET', '/p/s', []);
                const r = await runtime.response(1);
                const values = (name) => r.headers.filter((h) => h[0] === name).map((h) => h[1]);
                runtime.print(errors.join(' ') + ' | ' + r.status + ' ' + r.length + ' ' + JSON.stringify(values('set-cookie')) + ' '
                  + values('content-type')[0] + ' | ' + r.body);
                """));
    }

    @Test
    void aHandlerThatThrowsBeforeWritingGetsThe500OfAnAbort() throws Exception {
        assertEquals("aborted: broken handler; reported: broken handler", run("""
                opera.io.webserver.addEventListener('bad', () => { throw new Error('broken handler'); }, false);
                runtime.request(1, 'GET', '/p/bad', []);
                runtime.print('aborted: ' + (await runtime.response(1)).aborted + '; reported: ' + runtime.reported.join(', '));
                """));
    }

    @Test
    void aWebSocketHandshakeIsRefused() throws Exception {
        assertEquals("{\"type\":\"reject\",\"conn\":1,\"status\":404,\"reason\":\"this Unite service answers HTTP only\"}", run("""
                runtime.message({ type: 'handshake', conn: 1, listener: 0, resource: '/p/', origin: null, protocols: [], headers: {},
                                  remoteAddress: '127.0.0.1:1' });
                runtime.print(await runtime.next((m) => m.type === 'reject'));
                """));
    }
}
