package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How lib/candidates.js merges what the address services see into the runtime's candidates (run by Node.js). */
class CandidatesScriptTest {
    private static String run(String probe) throws Exception {
        String source = Files.readString(Path.of("src/main/js/lib/candidates.js"));
        Process node = new ProcessBuilder("node", "-e", source + "\n" + probe).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        node.waitFor(1, TimeUnit.MINUTES);
        return out;
    }

    @Test
    void anAddressTheRuntimeNamedIsNotListedAgainHoweverItIsWritten() throws Exception {
        String out = run("""
                var confirmed = runtimeUrls([{kind: 'ipv6', family: 6, base: 'ws://[2001:db8:1:0:0:0:0:2]:7041', detail: 'pinhole'},
                  {kind: 'relay', family: 4, base: 'ws://203.0.113.30:7041', detail: 'relay'}], '/p/');
                var errors = [];
                var all = mergeServiceAnswers(confirmed, [{ip: '2001:db8:1::2', version: 6, service: 's6'},
                  {ip: '2001:DB8:1::0:2', version: 6, service: 's6b'}], 7041, '/p/', errors);
                console.log(all.map(u => u.kind + (u.confirmed ? '' : '?')).join(' '));
                """);
        assertEquals("ipv6 relay", out);
    }

    @Test
    void anUnconfirmedIpv6AnswerIsKindIpv6AndComesBeforeTheRelays() throws Exception {
        String out = run("""
                var confirmed = runtimeUrls([{kind: 'relay', family: 4, base: 'ws://203.0.113.30:7041', detail: 'relay'}], '/p/');
                var all = mergeServiceAnswers(confirmed, [{ip: '2001:db8:9::5', version: 6, service: 's6'},
                  {ip: '203.0.113.11', version: 4, service: 's4'}], 7041, '/p/', []);
                console.log(all.map(u => u.kind + (u.confirmed ? '' : '?') + ' ' + u.url).join(', '));
                """);
        assertEquals("ipv6? ws://[2001:db8:9::5]:7041/p/, public? ws://203.0.113.11:7041/p/, relay ws://203.0.113.30:7041/p/", out);
    }
}
