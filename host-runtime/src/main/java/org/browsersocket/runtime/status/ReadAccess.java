package org.browsersocket.runtime.status;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Who may read the status page's data ({@code /status.json}, {@code /status/events}): the status
 * page itself and local tools, never another site's script. The Host was already checked to be a
 * loopback name; here a browser's {@code Origin} (sent on cross-origin reads) must be the control
 * endpoint's own, and {@code Sec-Fetch-Site}, where sent, must not say another site asked.
 */
public final class ReadAccess {
    private ReadAccess() {}

    /** Why these request headers may not read the status, or null when they may. */
    public static String refusal(HttpHeaders headers, String host) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            return "the runtime's status is readable only by its own status page (Origin http://" + host + ")";
        }
        String site = headers.get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return "the runtime's status is readable only by its own status page (Sec-Fetch-Site " + site + ")";
        }
        return null;
    }
}
