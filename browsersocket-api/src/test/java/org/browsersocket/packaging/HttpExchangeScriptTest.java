package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * HTTP requests to a page's listener, as the runtime's browsersocket.js answers them: requests,
 * responses, bodies, ranges, aborts and the request event, with a stand-in runtime (FakeRuntime).
 */
class HttpExchangeScriptTest {
    private static String run(String scenario) throws Exception {
        return FakeRuntime.run(ScriptBundle.RUNTIME, """
                const bs = new BrowserSocket(() => ({}));
                await runtime.open();
                """ + scenario);
    }

    @Test
    void aListenerWithoutRequestHandlersAnswers426ForWebSocketsOnly() throws Exception {
        assertEquals("{\"status\":426,\"headers\":[[\"upgrade\",\"websocket\"],[\"content-type\",\"text/plain; charset=utf-8\"]],"
                + "\"length\":45,\"body\":\"this address takes WebSocket connections only\",\"frames\":1}", run("""
                runtime.request(1, 'GET', '/p/', []);
                runtime.print(await runtime.response(1));
                """));
    }

    @Test
    void onrequestGetsARequestWithEveryHeaderItsPathAndRemoteAddressAndItsBodyStreamed() throws Exception {
        assertEquals("POST http://127.0.0.1:7041/p/notes/3?x=1 /notes/3?x=1 127.0.0.1:50000 h:7041 c=1 one, two|hello, world", run("""
                bs.onrequest = async function (request) {
                  return new Response([request.method, request.url, request.path, request.remoteAddress,
                    request.headers.get('host'), request.headers.get('cookie'), request.headers.get('x-n')].join(' ')
                    + '|' + await request.text());
                };
                runtime.request(1, 'POST', '/p/notes/3?x=1', [['host', 'h:7041'], ['cookie', 'c=1'], ['x-n', 'one'], ['x-n', 'two']],
                                ['hello, ', 'world']);
                runtime.print((await runtime.response(1)).body);
                """));
    }

    @Test
    void theRootOfThePrefixIsPathSlashWithOrWithoutItsTrailingSlash() throws Exception {
        assertEquals("/ /?a=1 /", run("""
                bs.onrequest = (request) => new Response(request.path);
                const paths = [];
                for (const [conn, resource] of [[1, '/p/'], [2, '/p?a=1'], [3, '/p']]) {
                  runtime.request(conn, 'GET', resource, []);
                  paths.push((await runtime.response(conn)).body);
                }
                runtime.print(paths.join(' '));
                """));
    }

    @Test
    void aBodyThatEndsWithinItsReadsIsSentWithItsLengthAndAcceptsRanges() throws Exception {
        assertEquals("200 10 bytes 0123456789 1", run("""
                bs.onrequest = () => new Response(new ReadableStream({ async pull(c) {
                  await runtime.sleep(10); c.enqueue(new TextEncoder().encode('01234')); c.enqueue(new TextEncoder().encode('56789')); c.close();
                } }));
                runtime.request(1, 'GET', '/p/', []);
                const r = await runtime.response(1);
                runtime.print([r.status, r.length, r.headers.find((h) => h[0] === 'accept-ranges')[1], r.body, r.frames].join(' '));
                """));
    }

    @Test
    void aBodyWhoseReadsAreSlowIsStreamedWithoutALength() throws Exception {
        assertEquals("200 null abc 3 false", run("""
                let n = 0;
                bs.onrequest = () => new Response(new ReadableStream({ async pull(c) {
                  await runtime.sleep(80); c.enqueue(new TextEncoder().encode('abc'.charAt(n))); if (++n === 3) c.close();
                } }));
                runtime.request(1, 'GET', '/p/', []);
                const r = await runtime.response(1);
                runtime.print([r.status, String(r.length), r.body, r.frames, r.headers.some((h) => h[0] === 'accept-ranges')].join(' '));
                """));
    }

    @Test
    void aContentLengthOfTheResponsesOwnIsTheLengthAndItsBodyStreamsAtOnce() throws Exception {
        assertEquals("200 3 abc false", run("""
                let n = 0;
                bs.onrequest = () => new Response(new ReadableStream({ async pull(c) {
                  await runtime.sleep(80); c.enqueue(new TextEncoder().encode('abc'.charAt(n))); if (++n === 3) c.close();
                } }), { headers: { 'content-length': '3' } });
                runtime.request(1, 'GET', '/p/', []);
                const r = await runtime.response(1);
                runtime.print([r.status, r.length, r.body, r.headers.some((h) => h[0] === 'content-length')].join(' '));
                """));
    }

    @Test
    void aBodyShortOfItsContentLengthAbortsTheExchange() throws Exception {
        assertEquals("{\"status\":200,\"aborted\":\"the response body ended 2 bytes short of its Content-Length\",\"body\":\"abc\"}", run("""
                bs.onrequest = () => new Response('abc', { headers: { 'content-length': '5' } });
                runtime.request(1, 'GET', '/p/', []);
                runtime.print(await runtime.response(1));
                """));
    }

    @Test
    void aRangeOfAByteBodyIsAnswered206AndOneOutsideIt416() throws Exception {
        assertEquals("206 bytes 2-4/10 3 234 | 206 bytes 7-9/10 3 789 | 416 bytes */10 0  | 200 - 10 0123456789"
                + " | 200 - 10 0123456789 | 206 bytes 1-1/10 1 1", run("""
                bs.onrequest = () => new Response('0123456789', { headers: { etag: '"v1"' } });
                const answers = [];
                const asks = [[['range', 'bytes=2-4']], [['range', 'bytes=-3']], [['range', 'bytes=10-']],
                  [['range', 'bytes=0-1,3-4']], [['range', 'bytes=0-1'], ['if-range', '"v0"']], [['range', 'bytes=1-1'], ['if-range', '"v1"']]];
                for (let i = 0; i < asks.length; i++) {
                  runtime.request(i + 1, 'GET', '/p/', asks[i]);
                  const r = await runtime.response(i + 1);
                  const range = r.headers.find((h) => h[0] === 'content-range');
                  answers.push([r.status, range ? range[1] : '-', r.length, r.body].join(' '));
                }
                runtime.print(answers.join(' | '));
                """));
    }

    @Test
    void onlyA200OfAGetIsServedInRanges() throws Exception {
        assertEquals("404 0123456789 | 200 0123456789", run("""
                let status = 404;
                bs.onrequest = (request) => new Response('0123456789', { status: request.method === 'POST' ? 200 : status });
                runtime.request(1, 'GET', '/p/', [['range', 'bytes=2-4']]);
                const a = await runtime.response(1);
                runtime.request(2, 'POST', '/p/', [['range', 'bytes=2-4']], '');
                const b = await runtime.response(2);
                runtime.print(a.status + ' ' + a.body + ' | ' + b.status + ' ' + b.body);
                """));
    }

    @Test
    void aHeadRequestGetsTheHeadWithTheLengthAndTheEndFrameOnly() throws Exception {
        assertEquals("200 11 0 \"\"", run("""
                bs.onrequest = () => new Response('hello world');
                runtime.request(1, 'HEAD', '/p/', []);
                const r = await runtime.response(1);
                runtime.print([r.status, r.length, r.frames, JSON.stringify(r.body)].join(' '));
                """));
    }

    @Test
    void hopByHopHeadersAreTheRuntimesAndNotSent() throws Exception {
        assertEquals("[[\"content-type\",\"text/plain\"],[\"x-kept\",\"1\"],[\"accept-ranges\",\"bytes\"]]", run("""
                bs.onrequest = () => new Response('x', { headers: [['connection', 'close'], ['keep-alive', 'timeout=5'],
                  ['transfer-encoding', 'chunked'], ['upgrade', 'h2c'], ['te', 'trailers'], ['trailer', 'x'],
                  ['proxy-authenticate', 'Basic'], ['x-kept', '1'], ['content-type', 'text/plain']] });
                runtime.request(1, 'GET', '/p/', []);
                runtime.print((await runtime.response(1)).headers);
                """));
    }

    @Test
    void aBigBodyGoesInPiecesOfAtMost256KiB() throws Exception {
        assertEquals("600000 262144,262144,75712", run("""
                bs.onrequest = () => new Response(new Uint8Array(600000).fill(65));
                runtime.request(1, 'GET', '/p/', []);
                await runtime.next((m) => m.type === 'response');
                const sizes = [];
                for (;;) {
                  const frame = await runtime.next((m) => m.id === 1);
                  if (frame.kind === 3) break;
                  sizes.push(frame.bytes.length);
                }
                runtime.print(sizes.reduce((a, b) => a + b) + ' ' + sizes.join(','));
                """));
    }

    @Test
    void bodyFramesWaitWhileTheChannelHasOver1MiBUnsent() throws Exception {
        assertEquals("head, no body yet | body after drain", run("""
                bs.onrequest = () => new Response('waits');
                runtime.socket.bufferedAmount = 2 * 1024 * 1024;
                runtime.request(1, 'GET', '/p/', []);
                await runtime.next((m) => m.type === 'response');
                await runtime.sleep(100);
                const early = runtime.sent.some((m) => m.id === 1);
                runtime.socket.bufferedAmount = 0;
                const frame = await runtime.next((m) => m.id === 1);
                runtime.print((early ? 'body too early' : 'head, no body yet') + ' | '
                  + (frame.kind === 2 && frame.bytes.toString() === 'waits' ? 'body after drain' : 'wrong frame'));
                """));
    }

    @Test
    void aHandlerThatThrowsRejectsOrGivesNoResponseAbortsAndIsReported() throws Exception {
        assertEquals("broke | went wrong | the request handler returned undefined, not a Response"
                + " | the request handler returned an Object, not a Response | reported: broke,went wrong,"
                + "the request handler returned undefined, not a Response,the request handler returned an Object, not a Response", run("""
                const handlers = [() => { throw new Error('broke'); }, () => Promise.reject(new Error('went wrong')),
                  () => undefined, async () => ({ status: 200 })];
                const reasons = [];
                for (let i = 0; i < handlers.length; i++) {
                  bs.onrequest = handlers[i];
                  runtime.request(i + 1, 'GET', '/p/', []);
                  reasons.push((await runtime.response(i + 1)).aborted);
                }
                runtime.print(reasons.join(' | ') + ' | reported: ' + runtime.reported.join(','));
                """));
    }

    @Test
    void aBodyStreamThatErrorsAfterTheHeadAbortsTheExchange() throws Exception {
        assertEquals("200 null partial: gone bad", run("""
                let n = 0;
                bs.onrequest = () => new Response(new ReadableStream({ async pull(c) {
                  await runtime.sleep(80);
                  if (n++ === 0) c.enqueue(new TextEncoder().encode('partial')); else c.error(new Error('gone bad'));
                } }));
                runtime.request(1, 'GET', '/p/', []);
                const r = await runtime.response(1);
                runtime.print([r.status, r.length ?? 'null', r.body + ':', r.aborted].join(' '));
                """));
    }

    @Test
    void theRuntimesAbortErrorsTheRequestBodyAbortsTheSignalAndStopsTheResponseBody() throws Exception {
        assertEquals("AbortError: client went away | signal aborted | response body cancelled | nothing more sent", run("""
                let bodyError, signalAborted = false, cancelled = false;
                bs.onrequest = (request) => {
                  request.signal.addEventListener('abort', () => { signalAborted = true; });
                  request.text().catch((e) => { bodyError = e.name + ': ' + e.message; });
                  return new Response(new ReadableStream({
                    async pull(c) { await runtime.sleep(70); c.enqueue(new Uint8Array([1])); },
                    cancel() { cancelled = true; }
                  }));
                };
                runtime.request(1, 'PUT', '/p/', [], null);
                runtime.frame(2, 1, Buffer.from('part of it'));
                await runtime.next((m) => m.type === 'response');
                runtime.message({ type: 'abort', conn: 1, reason: 'client went away' });
                await runtime.sleep(200);
                const after = runtime.sent.filter((m) => m.id === 1 || m.conn === 1);
                await runtime.sleep(0);
                runtime.print([bodyError, signalAborted ? 'signal aborted' : 'signal not aborted',
                  cancelled ? 'response body cancelled' : 'still read', after.length <= 1 && !after.some((m) => m.kind === 3)
                    ? 'nothing more sent' : 'sent on: ' + JSON.stringify(after)].join(' | '));
                """));
    }

    @Test
    void theChannelClosingAbortsEveryExchange() throws Exception {
        assertEquals("signal aborted", run("""
                let aborted = false;
                bs.onrequest = (request) => {
                  request.signal.addEventListener('abort', () => { aborted = true; });
                  return new Promise(() => {});
                };
                runtime.request(1, 'GET', '/p/', []);
                await runtime.sleep(10);
                runtime.closeChannel(1006);
                await runtime.sleep(10);
                runtime.print(aborted ? 'signal aborted' : 'signal not aborted');
                """));
    }

    @Test
    void theBodyOfAGetIsDiscardedAndTheExchangeStillEnds() throws Exception {
        assertEquals("GET null | 200 ok", run("""
                bs.onrequest = (request) => new Response('ok');
                let seen;
                bs.addEventListener('request', (e) => { seen = e.request.method + ' ' + e.request.body; });
                runtime.request(1, 'GET', '/p/', [], 'ignored');
                const r = await runtime.response(1);
                runtime.print(seen + ' | ' + r.status + ' ' + r.body);
                """));
    }

    @Test
    void requestListenersComeFirstAndTheFirstToRespondAnswers() throws Exception {
        assertEquals("first looked, second answered, third not called: 201 from second 127.0.0.1:50000", run("""
                const calls = [];
                bs.onrequest = () => { calls.push('onrequest'); return new Response('from onrequest'); };
                bs.addEventListener('request', (e) => { calls.push('first looked'); });
                bs.addEventListener('request', (e) => { calls.push('second answered'); e.respondWith(new Response('from second ' + e.remoteAddress, { status: 201 })); });
                bs.addEventListener('request', (e) => { calls.push('third called'); e.respondWith(new Response('from third')); });
                runtime.request(1, 'GET', '/p/', []);
                const r = await runtime.response(1);
                runtime.print(calls.join(', ') + ', third not called: ' + r.status + ' ' + r.body);
                """));
    }

    @Test
    void aRequestNoListenerAnswersFallsToOnrequestOrElse404() throws Exception {
        assertEquals("from onrequest | 404 no handler answered", run("""
                bs.addEventListener('request', (e) => {});
                bs.onrequest = (request) => new Response('from onrequest');
                runtime.request(1, 'GET', '/p/', []);
                const a = (await runtime.response(1)).body;
                bs.onrequest = null;
                runtime.request(2, 'GET', '/p/', []);
                const b = await runtime.response(2);
                runtime.print(a + ' | ' + b.status + ' ' + b.body);
                """));
    }

    @Test
    void respondWithWorksOnceAndOnlyDuringDispatch() throws Exception {
        assertEquals("InvalidStateError InvalidStateError promised", run("""
                let event, second;
                bs.addEventListener('request', (e) => {
                  event = e;
                  e.respondWith(new Promise((resolve) => setTimeout(() => resolve(new Response('promised')), 20)));
                  try { e.respondWith(new Response('again')); } catch (x) { second = x.name; }
                });
                runtime.request(1, 'GET', '/p/', []);
                const r = await runtime.response(1);
                let late;
                try { event.respondWith(new Response('late')); } catch (x) { late = x.name; }
                runtime.print(second + ' ' + late + ' ' + r.body);
                """));
    }

    @Test
    void removingTheLastRequestListenerMakesTheListenerWebSocketOnlyAgain() throws Exception {
        assertEquals("200 426", run("""
                const answer = (e) => e.respondWith(new Response('x'));
                bs.addEventListener('request', answer);
                runtime.request(1, 'GET', '/p/', []);
                const a = await runtime.response(1);
                bs.removeEventListener('request', answer);
                runtime.request(2, 'GET', '/p/', []);
                const b = await runtime.response(2);
                runtime.print(a.status + ' ' + b.status);
                """));
    }

    @Test
    void aMethodFetchForbidsIsAnswered501() throws Exception {
        assertEquals("501", run("""
                bs.onrequest = () => new Response('x');
                runtime.request(1, 'TRACE', '/p/', []);
                runtime.print(String((await runtime.response(1)).status));
                """));
    }

    @Test
    void aRequestForAListenerNotOpenIsAnswered404() throws Exception {
        assertEquals("404", run("""
                runtime.request(1, 'GET', '/q/', [], undefined, 1);
                runtime.print(String((await runtime.response(1)).status));
                """));
    }
}
