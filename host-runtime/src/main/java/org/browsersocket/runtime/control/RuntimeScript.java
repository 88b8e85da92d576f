package org.browsersocket.runtime.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.browsersocket.packaging.ScriptBundle;
import org.browsersocket.runtime.routing.Grant;

/**
 * {@code browsersocket.js} as served to one page: the library bundled by browsersocket-api with this
 * page's grant (token and listener prefixes), the public port and the control URL minted in, so
 * that {@code new BrowserSocket(...)} can set {@code port} and {@code resourcePrefix} synchronously.
 */
public final class RuntimeScript {
    /** The marker in browsersocket.js replaced by the page's configuration object. */
    static final String CONFIG_MARKER = "/*@RUNTIME_CONFIG@*/null";

    private final String library = ScriptBundle.RUNTIME.classicScript();
    private final String unite = ScriptBundle.UNITE.classicScript();
    private final String declarations = ScriptBundle.read("browsersocket/browsersocket.d.ts");
    private final ObjectMapper json = new ObjectMapper();

    public RuntimeScript() {
        if (!library.contains(CONFIG_MARKER) || !unite.contains(CONFIG_MARKER)) {
            throw new IllegalStateException("browsersocket.js or unite.js lacks the runtime configuration marker");
        }
    }

    /** The script for one page, whose control channel will connect to {@code controlUrl}. */
    public String render(Grant grant, String controlUrl, int publicPort, int maxMessageBytes) {
        return library.replace(CONFIG_MARKER, configJson(grant, controlUrl, publicPort, maxMessageBytes));
    }

    /**
     * {@code unite.js} for one page: the same library and grant, plus Opera Unite's
     * {@code opera.io.webserver} on a listener it opens at once.
     */
    public String renderUnite(Grant grant, String controlUrl, int publicPort, int maxMessageBytes) {
        return unite.replace(CONFIG_MARKER, configJson(grant, controlUrl, publicPort, maxMessageBytes));
    }

    /** A page's grant as JSON: what the script has minted in, and what {@code /grant} answers. */
    public String configJson(Grant grant, String controlUrl, int publicPort, int maxMessageBytes) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("control", controlUrl);
        config.put("port", publicPort);
        config.put("token", grant.token());
        config.put("prefixes", grant.prefixes());
        config.put("maxMessageBytes", maxMessageBytes);
        try {
            return json.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TypeScript declarations of the API. */
    public String declarations() {
        return declarations;
    }
}
