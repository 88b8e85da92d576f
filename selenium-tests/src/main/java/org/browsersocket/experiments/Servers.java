package org.browsersocket.experiments;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The echo servers an experiment compares on the same load, in the same run: the page-hosted
 * echo example, the same page through a relay (a second runtime started with {@code --relay}, with
 * which the page's runtime registers), a native Java-WebSocket server and a Node.js {@code ws}
 * server.
 */
final class Servers implements AutoCloseable {
    static final String PAGE = "page";
    static final String RELAY = "relay";
    static final String JAVA = "java";
    static final String NODE = "node";

    private final PageHost page;
    private final NativeEchoProcess java;
    private final NodeEcho node;
    private final Map<String, URI> urls = new LinkedHashMap<>();

    private Servers(PageHost page, NativeEchoProcess java, NodeEcho node, String pageUrl, String relayUrl) {
        this.page = page;
        this.java = java;
        this.node = node;
        urls.put(PAGE, URI.create(pageUrl + "load"));
        urls.put(RELAY, URI.create(relayUrl + "load"));
        urls.put(JAVA, URI.create(java.url()));
        urls.put(NODE, URI.create(node.url()));
    }

    static Servers start(Lab lab) throws Exception {
        PageHost page = PageHost.start(lab.repoRoot(), true);
        try {
            String pageUrl = page.openEcho();
            String relayUrl = page.throughRelay(pageUrl, 1);
            NativeEchoProcess java = NativeEchoProcess.start();
            try {
                return new Servers(page, java, NodeEcho.start(lab.repoRoot()), pageUrl, relayUrl);
            } catch (Exception e) {
                java.close();
                throw e;
            }
        } catch (Exception e) {
            page.close();
            throw e;
        }
    }

    /** Server name → its echo URL, in the order the experiments alternate them. */
    Map<String, URI> urls() {
        return urls;
    }

    PageHost page() {
        return page;
    }

    @Override
    public void close() throws Exception {
        node.close();
        java.close();
        page.close();
    }
}
