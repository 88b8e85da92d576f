package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** publish() and purge() of a listener, with a stand-in runtime (FakeRuntime). */
class PublishScriptTest {
    private static String run(String scenario) throws Exception {
        return FakeRuntime.run(ScriptBundle.RUNTIME, """
                const bs = new BrowserSocket(() => ({}));
                await runtime.open();
                """ + scenario);
    }

    @Test
    void aPublishSendsItsHeadAndBodyUnderAPageIdAndResolvesToTheRuntimesAnswer() throws Exception {
        assertEquals("{\"type\":\"publish\",\"listener\":0,\"id\":2147483648,\"path\":\"/notes\",\"status\":200,"
                + "\"headers\":[[\"content-type\",\"text/plain\"]],\"length\":5} notes end"
                + " {\"agents\":2,\"reason\":\"\"} 2147483649", run("""
                const published = bs.publish('/notes', new Response('notes', { headers: { 'content-type': 'text/plain' } }));
                const head = await runtime.next((m) => m.type === 'publish');
                const body = await runtime.next((m) => m.id === head.id && m.kind === 2);
                const end = await runtime.next((m) => m.id === head.id && m.kind === 3);
                runtime.message({ type: 'published', id: head.id, listener: 0, agents: 2, reason: '' });
                const answer = await published;
                bs.publish('/other', new Response(''));
                const next = await runtime.next((m) => m.type === 'publish');
                runtime.print(JSON.stringify(head) + ' ' + body.bytes.toString() + ' ' + (end ? 'end' : '') + ' '
                  + JSON.stringify(answer) + ' ' + next.id);
                """));
    }

    @Test
    void aPublishNoAgentTookResolvesWithTheReason() throws Exception {
        assertEquals("{\"agents\":0,\"reason\":\"no relay routes this listener\"}", run("""
                const published = bs.publish('/', new Response('x'));
                const head = await runtime.next((m) => m.type === 'publish');
                runtime.message({ type: 'published', id: head.id, listener: 0, agents: 0, reason: 'no relay routes this listener' });
                runtime.print(await published);
                """));
    }

    @Test
    void purgesAreAnsweredInTheirOrder() throws Exception {
        assertEquals("{\"type\":\"purge\",\"listener\":0,\"path\":\"/notes\"} {\"type\":\"purge\",\"listener\":0,\"path\":null} 1 3", run("""
                const one = bs.purge('/notes');
                const all = bs.purge();
                const a = await runtime.next((m) => m.type === 'purge');
                const b = await runtime.next((m) => m.type === 'purge');
                runtime.message({ type: 'published', id: null, listener: 0, agents: 1, reason: '' });
                runtime.message({ type: 'published', id: null, listener: 0, agents: 3, reason: '' });
                runtime.print(JSON.stringify(a) + ' ' + JSON.stringify(b) + ' ' + (await one).agents + ' ' + (await all).agents);
                """));
    }

    @Test
    void publishAndPurgeRejectOnAListenerNotOpenOrStoppedMeanwhile() throws Exception {
        assertEquals("the listener is not open | the listener is not open | the listener stopped | TypeError", run("""
                const other = new BrowserSocket(() => ({}));
                const reasons = [];
                await other.publish('/x', new Response('x')).catch((e) => reasons.push(e.message));
                await other.purge().catch((e) => reasons.push(e.message));
                const waiting = bs.publish('/x', new Response('x'));
                await runtime.next((m) => m.type === 'publish');
                const badPath = bs.publish('x', new Response('x')).catch((e) => e.name);
                bs.stop();
                await waiting.catch((e) => reasons.push(e.message));
                reasons.push(await badPath);
                runtime.print(reasons.join(' | '));
                """));
    }
}
