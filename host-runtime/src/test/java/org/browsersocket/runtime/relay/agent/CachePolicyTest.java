package org.browsersocket.runtime.relay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What RFC 9111 lets a shared cache store, how long it stays fresh, how old it is, and how it is revalidated. */
class CachePolicyTest {
    private static final long T0 = 1_800_000_000_000L; // an instant, in epoch millis

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    // ---- storable or not ----

    @Test
    void aResponseWithExplicitFreshnessOrAValidatorMayBeStored() {
        assertNull(Storability.refusal(headers(), 200, headers("Cache-Control", "max-age=60")));
        assertNull(Storability.refusal(headers(), 200, headers("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")));
        assertNull(Storability.refusal(headers(), 200, headers("ETag", "\"a\"")));
        assertNull(Storability.refusal(headers(), 404, headers("Last-Modified", "Mon, 30 Nov 2026 12:00:00 GMT")));
        assertNull(Storability.refusal(headers(), 200, headers("Cache-Control", "public")));
        assertNull(Storability.refusal(headers(), 302, headers("Cache-Control", "s-maxage=5")),
                "a status not cacheable by default, with explicit freshness");
    }

    @Test
    void noStorePrivateVaryStarAndNothingToGoOnAreNotStored() {
        assertNotNull(Storability.refusal(headers(), 200, headers("Cache-Control", "no-store, max-age=60")));
        assertNotNull(Storability.refusal(headers("Cache-Control", "no-store"), 200, headers("Cache-Control", "max-age=60")));
        assertNotNull(Storability.refusal(headers(), 200, headers("Cache-Control", "private, max-age=60")));
        assertNotNull(Storability.refusal(headers(), 200, headers("Cache-Control", "private=\"Set-Cookie\", max-age=60")));
        assertNotNull(Storability.refusal(headers(), 200, headers("Cache-Control", "max-age=60", "Vary", "Accept, *")));
        assertNotNull(Storability.refusal(headers(), 200, headers()), "neither freshness nor validator");
        assertNotNull(Storability.refusal(headers(), 302, headers("ETag", "\"a\"")), "302 needs explicit freshness");
        assertNotNull(Storability.refusal(headers(), 206, headers("Cache-Control", "max-age=60")));
        assertNotNull(Storability.refusal(headers("Range", "bytes=0-9"), 200, headers("Cache-Control", "max-age=60")));
    }

    @Test
    void aResponseToACredentialedRequestIsSharedOnlyWhenItSaysSo() {
        HttpHeaders credentialed = headers("Authorization", "Bearer t");
        assertNotNull(Storability.refusal(credentialed, 200, headers("Cache-Control", "max-age=60")));
        assertNull(Storability.refusal(credentialed, 200, headers("Cache-Control", "public, max-age=60")));
        assertNull(Storability.refusal(credentialed, 200, headers("Cache-Control", "s-maxage=60")));
        assertNull(Storability.refusal(credentialed, 200, headers("Cache-Control", "must-revalidate, max-age=60")));
    }

    @Test
    void aPageMayPublishAnythingButNoStoreAndPrivate() {
        assertNull(Storability.publishRefusal(headers()));
        assertNull(Storability.publishRefusal(headers("Cache-Control", "no-cache")));
        assertNotNull(Storability.publishRefusal(headers("Cache-Control", "no-store")));
        assertNotNull(Storability.publishRefusal(headers("Cache-Control", "private")));
    }

    // ---- freshness ----

    @Test
    void sMaxageOutranksMaxAgeWhichOutranksExpires() {
        assertEquals(10_000, Freshness.lifetimeMillis(headers("Cache-Control", "max-age=60, s-maxage=10",
                "Expires", "Thu, 01 Jan 2099 00:00:00 GMT"), T0, false));
        assertEquals(60_000, Freshness.lifetimeMillis(headers("Cache-Control", "max-age=60",
                "Expires", "Thu, 01 Jan 2099 00:00:00 GMT"), T0, false));
        assertEquals(3_600_000, Freshness.lifetimeMillis(headers("Date", "Mon, 30 Nov 2026 12:00:00 GMT",
                "Expires", "Mon, 30 Nov 2026 13:00:00 GMT"), T0, false), "Expires minus Date");
    }

    @Test
    void anInvalidExpiresOrNoCacheOrNothingMeansStale() {
        assertEquals(0, Freshness.lifetimeMillis(headers("Expires", "0"), T0, false));
        assertEquals(0, Freshness.lifetimeMillis(headers("Cache-Control", "no-cache, max-age=60"), T0, false));
        assertEquals(0, Freshness.lifetimeMillis(headers("Cache-Control", "max-age=soon"), T0, false));
        assertEquals(0, Freshness.lifetimeMillis(headers("ETag", "\"a\""), T0, false), "no heuristic freshness");
    }

    @Test
    void aPublishedResponseIsFreshUntilItsOwnDirectivesSayOtherwise() {
        assertEquals(Freshness.FOREVER, Freshness.lifetimeMillis(headers(), T0, true));
        assertEquals(5_000, Freshness.lifetimeMillis(headers("Cache-Control", "max-age=5"), T0, true));
        assertEquals(0, Freshness.lifetimeMillis(headers("Cache-Control", "no-cache"), T0, true));
    }

    @Test
    void aHugeMaxAgeCountsAs2To31Seconds() {
        assertEquals((1L << 31) * 1000, Freshness.lifetimeMillis(headers("Cache-Control",
                "max-age=99999999999999999999999"), T0, false));
    }

    // ---- age ----

    @Test
    void theAgeCountsTheAgeFieldTheTransitAndTheTimeStored() {
        HttpHeaders response = headers("Age", "100");
        long requested = T0;
        long received = T0 + 2_000;
        assertEquals(100_000 + 2_000 + 30_000, Freshness.currentAgeMillis(response, requested, received, received + 30_000));
    }

    @Test
    void theAgeCountsWhatTheDateSaysIfThatIsMore() {
        long received = Freshness.date("Mon, 30 Nov 2026 12:01:00 GMT");
        HttpHeaders response = headers("Date", "Mon, 30 Nov 2026 12:00:00 GMT", "Age", "10");
        assertEquals(60_000 + 5_000, Freshness.currentAgeMillis(response, received, received, received + 5_000),
                "a minute old by its Date, more than its Age says");
        assertEquals("65", Freshness.ageHeader(65_999));
    }

    // ---- variants ----

    @Test
    void aStoredVariantAnswersOnlyRequestsWithTheSameVariedFields() {
        HttpHeaders response = headers("Vary", "Accept-Encoding", "Vary", "accept-language");
        List<Variant> stored = Variant.of(response, headers("Accept-Encoding", "gzip,  br", "Accept-Language", "en"));
        assertEquals(List.of(new Variant("accept-encoding", "gzip, br"), new Variant("accept-language", "en")), stored);
        assertTrue(Variant.matches(stored, headers("accept-encoding", "gzip, br", "Accept-Language", "en")));
        assertTrue(Variant.matches(stored, headers("Accept-Encoding", "gzip", "Accept-Encoding", "br", "Accept-Language", "en")),
                "field lines combine");
        assertFalse(Variant.matches(stored, headers("Accept-Encoding", "gzip", "Accept-Language", "en")));
        assertFalse(Variant.matches(stored, headers("Accept-Encoding", "gzip, br")), "absent is not the same");
        List<Variant> withoutLanguage = Variant.of(response, headers("Accept-Encoding", "br"));
        assertTrue(Variant.matches(withoutLanguage, headers("Accept-Encoding", "br", "User-Agent", "x")));
        assertNull(Variant.names(headers("Vary", "Accept, *")));
        assertTrue(Variant.of(headers(), headers("Accept", "x")).isEmpty());
    }

    // ---- revalidation ----

    @Test
    void revalidationAsksWithTheStoredValidatorsInsteadOfTheClients() {
        HttpHeaders outgoing = headers("If-None-Match", "\"client\"", "If-Modified-Since", "Sun, 01 Jan 2026 00:00:00 GMT",
                "If-Range", "\"x\"", "Accept", "*/*");
        Validators.revalidating(headers("ETag", "W/\"v2\"", "Last-Modified", "Mon, 30 Nov 2026 12:00:00 GMT"), outgoing);
        assertEquals("W/\"v2\"", outgoing.get("If-None-Match"));
        assertEquals("Mon, 30 Nov 2026 12:00:00 GMT", outgoing.get("If-Modified-Since"));
        assertNull(outgoing.get("If-Range"));
        assertEquals("*/*", outgoing.get("Accept"));

        HttpHeaders unconditional = headers("If-None-Match", "\"client\"");
        Validators.revalidating(headers(), unconditional);
        assertTrue(unconditional.isEmpty(), "nothing to validate with: a plain request");
    }

    @Test
    void a304ReplacesTheFieldsItCarriesButNotThoseOfTheBody() {
        HttpHeaders stored = headers("Content-Type", "text/html", "Content-Encoding", "gzip", "ETag", "\"v1\"",
                "Cache-Control", "max-age=0", "X-Kept", "1");
        HttpHeaders refreshed = Validators.refreshed(stored, headers("Cache-Control", "max-age=60", "ETag", "\"v1\"",
                "Content-Length", "0", "Content-Encoding", "identity", "Connection", "close", "X-New", "2"));
        assertEquals("max-age=60", refreshed.get("Cache-Control"));
        assertEquals("gzip", refreshed.get("Content-Encoding"));
        assertEquals("text/html", refreshed.get("Content-Type"));
        assertEquals("1", refreshed.get("X-Kept"));
        assertEquals("2", refreshed.get("X-New"));
        assertNull(refreshed.get("Content-Length"));
        assertNull(refreshed.get("Connection"));
        assertEquals(1, refreshed.getAll("ETag").size());
    }

    @Test
    void aClientsOwnConditionIsAnsweredFromTheStore() {
        HttpHeaders stored = headers("ETag", "\"v1\"", "Last-Modified", "Mon, 30 Nov 2026 12:00:00 GMT");
        assertTrue(Validators.notModified(headers("If-None-Match", "\"v0\", W/\"v1\""), stored), "weak comparison");
        assertTrue(Validators.notModified(headers("If-None-Match", "*"), stored));
        assertFalse(Validators.notModified(headers("If-None-Match", "\"v2\"",
                "If-Modified-Since", "Tue, 01 Dec 2026 00:00:00 GMT"), stored), "If-None-Match decides alone");
        assertTrue(Validators.notModified(headers("If-Modified-Since", "Mon, 30 Nov 2026 12:00:00 GMT"), stored));
        assertFalse(Validators.notModified(headers("If-Modified-Since", "Mon, 30 Nov 2026 11:59:59 GMT"), stored));
        assertFalse(Validators.notModified(headers(), stored));
        HttpHeaders notModified = Validators.notModifiedHeaders(headers("ETag", "\"v1\"", "Content-Type", "text/html",
                "Cache-Control", "max-age=5"));
        assertEquals("\"v1\"", notModified.get("ETag"));
        assertNull(notModified.get("Content-Type"));
    }

    // ---- directives ----

    @Test
    void cacheControlDirectivesAreParsedWithQuotesAndTheFirstOfDuplicatesCounts() {
        CacheControl cc = CacheControl.of(headers("Cache-Control", "Max-Age=60, private=\"Set-Cookie, X-A\"",
                "Cache-Control", "no-cache,max-age=5, s-maxage=\"7\""));
        assertEquals(60, cc.seconds("max-age"));
        assertEquals("Set-Cookie, X-A", cc.directives().get("private"));
        assertTrue(cc.has("no-cache"));
        assertEquals(7, cc.seconds("s-maxage"));
        assertEquals(-1, cc.seconds("min-fresh"));
        assertEquals(0, CacheControl.parse("max-age=-1").seconds("max-age"), "invalid: stale");
    }

    @Test
    void storedFieldsLeaveOutHopByHopFieldsTheLengthAndCookies() {
        List<List<String>> kept = StoredResponse.kept(headers("Connection", "close, X-Hop", "X-Hop", "1",
                "Transfer-Encoding", "chunked", "Content-Length", "5", "Set-Cookie", "a=b", "Content-Type", "text/plain"));
        assertEquals(List.of(List.of("Content-Type", "text/plain")), kept);
    }
}
