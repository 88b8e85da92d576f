package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A page that loaded the runtime's script claims its grant at once, before it listens: a claimed
 * grant lives as long as the page, so grants other tabs fetch cannot crowd it out and it never
 * expires unclaimed (the router's side of this: routing.GrantLifetimeTest).
 */
class LoadedPageGrantTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();

    @Test
    void aPageClaimsItsGrantWhenTheScriptLoadsAndListensLaterWhateverOtherTabsFetch() throws Exception {
        Chromium chromium = SETUP.chromium();
        chromium.open(SETUP.stack().url("/tests/lab.html"));
        String origin = SETUP.stack().origin();
        chromium.await(d -> SETUP.stack().runtime().sessions().stream().anyMatch(s -> s.origin().equals(origin)));

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest script = HttpRequest.newBuilder(URI.create(SETUP.stack().runtime().controlUrl() + "/browsersocket.js")).build();
        for (int i = 0; i < 200; i++) { // other tabs loading the script mint grants of their own
            assertEquals(200, http.send(script, HttpResponse.BodyHandlers.discarding()).statusCode());
        }

        chromium.script("openListener('late', {echo: true})");
        chromium.await(d -> chromium.<Boolean>script("return listeners.late.readyState === BrowserSocket.OPEN"));
        assertTrue(chromium.<java.util.List<?>>script("return events.filter(e => e.type === 'error')").isEmpty());
    }
}
