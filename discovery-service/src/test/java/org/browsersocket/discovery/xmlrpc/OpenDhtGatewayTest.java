package org.browsersocket.discovery.xmlrpc;

import static org.browsersocket.discovery.xmlrpc.GatewayFixture.bytes;
import static org.browsersocket.discovery.xmlrpc.GatewayFixture.call;
import static org.browsersocket.discovery.xmlrpc.GatewayFixture.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.store.Limits;
import org.junit.jupiter.api.Test;

/** Each OpenDHT method through {@link OpenDhtGateway#handle}, on an in-memory store. */
class OpenDhtGatewayTest {
    private static final byte[] KEY = key("chat.example/room");
    private static final byte[] NO_PLACEMARK = new byte[0];
    private static final byte[] SECRET = bytes("my removal secret");
    private static final int TTL = 3600;

    private final OpenDhtGateway gateway = GatewayFixture.newGateway();

    @Test
    void putAnswersZeroAndGetReturnsTheValueWithAnEmptyPlacemark() {
        assertEquals(0, Responses.value(call(gateway, "put", KEY, bytes("ws://[2001:db8::1]:8080/"), TTL, "test")));

        List<?> page = Responses.list(call(gateway, "get", KEY, 10, NO_PLACEMARK, "test"));

        assertEquals(2, page.size());
        List<?> values = (List<?>) page.get(0);
        assertEquals(1, values.size());
        assertArrayEquals(bytes("ws://[2001:db8::1]:8080/"), (byte[]) values.get(0));
        assertArrayEquals(NO_PLACEMARK, (byte[]) page.get(1));
    }

    @Test
    void getOfAKeyWithNoValuesIsAnEmptyList() {
        List<?> page = Responses.list(call(gateway, "get", key("nobody"), 10, NO_PLACEMARK, "test"));

        assertEquals(List.of(), page.get(0));
        assertArrayEquals(NO_PLACEMARK, (byte[]) page.get(1));
    }

    @Test
    void putRemovableAnswersZeroAndGetDetailsShowsTtlHashTypeAndSecretHash() {
        assertEquals(0, Responses.value(call(gateway, "put_removable", KEY, bytes("removable"), "SHA",
                Directory.sha1(SECRET), TTL, "test")));

        List<?> details = details(call(gateway, "get_details", KEY, 10, NO_PLACEMARK, "test"));

        assertArrayEquals(bytes("removable"), (byte[]) details.get(0));
        assertEquals(TTL, details.get(1));
        assertEquals("SHA", details.get(2));
        assertArrayEquals(Directory.sha1(SECRET), (byte[]) details.get(3));
    }

    @Test
    void getDetailsOfAValuePutWithoutSecretHasHashTypeShaAndAnEmptySecretHash() {
        call(gateway, "put", KEY, bytes("permanent"), 60, "test");

        List<?> details = details(call(gateway, "get_details", KEY, 10, NO_PLACEMARK, "test"));

        assertEquals(List.of(60, "SHA"), details.subList(1, 3));
        assertArrayEquals(new byte[0], (byte[]) details.get(3));
    }

    @Test
    void rmWithTheSecretAnswersZeroAndTheValueIsGone() {
        call(gateway, "put_removable", KEY, bytes("removable"), "SHA", Directory.sha1(SECRET), TTL, "test");
        call(gateway, "put", KEY, bytes("stays"), TTL, "test");

        assertEquals(0, Responses.value(call(gateway, "rm", KEY, Directory.sha1(bytes("removable")), "SHA",
                SECRET, TTL, "test")));

        assertEquals(List.of("stays"), texts(call(gateway, "get", KEY, 10, NO_PLACEMARK, "test")));
    }

    @Test
    void rmWithAWrongSecretAnswersZeroAsOpenDhtDidAndTheValueStays() {
        call(gateway, "put_removable", KEY, bytes("removable"), "SHA", Directory.sha1(SECRET), TTL, "test");

        assertEquals(0, Responses.value(call(gateway, "rm", KEY, Directory.sha1(bytes("removable")), "SHA",
                bytes("not the secret"), TTL, "test")));

        assertEquals(List.of("removable"), texts(call(gateway, "get", KEY, 10, NO_PLACEMARK, "test")));
    }

    @Test
    void rmOfAValueThatIsNotThereAnswersZero() {
        assertEquals(0, Responses.value(call(gateway, "rm", KEY, Directory.sha1(bytes("never put")), "SHA",
                SECRET, TTL, "test")));
    }

    @Test
    void getPagesThroughAllValuesWithPlacemarks() {
        Set<String> put = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            put.add("value " + i);
            call(gateway, "put", KEY, bytes("value " + i), TTL, "test");
        }

        List<String> seen = new ArrayList<>();
        byte[] placemark = NO_PLACEMARK;
        int pages = 0;
        do {
            List<?> page = Responses.list(call(gateway, "get", KEY, 3, placemark, "test"));
            seen.addAll(texts(page));
            placemark = (byte[]) page.get(1);
            pages++;
        } while (placemark.length > 0);

        assertEquals(3, pages);
        assertEquals(7, seen.size());
        assertEquals(put, new HashSet<>(seen));
    }

    @Test
    void putBeyondTheValuesAKeyMayHoldAnswersOverCapacity() {
        for (int i = 0; i < Limits.MAX_VALUES_PER_KEY; i++) {
            assertEquals(0, Responses.value(call(gateway, "put", KEY, bytes("v" + i), TTL, "test")));
        }

        assertEquals(1, Responses.value(call(gateway, "put", KEY, bytes("one too many"), TTL, "test")));
    }

    @Test
    void theSameValuePutTwiceIsOneValue() {
        call(gateway, "put", KEY, bytes("twice"), 60, "test");
        call(gateway, "put", KEY, bytes("twice"), TTL, "test");

        List<?> details = details(call(gateway, "get_details", KEY, 10, NO_PLACEMARK, "test"));
        assertEquals(TTL, details.get(1));
    }

    @Test
    void keysAreSeparate() {
        call(gateway, "put", KEY, bytes("here"), TTL, "test");

        assertEquals(List.of(), texts(call(gateway, "get", key("elsewhere"), 10, NO_PLACEMARK, "test")));
    }

    /** The details of the only value in a get_details response. */
    private static List<?> details(String response) {
        List<?> page = Responses.list(response);
        List<?> values = (List<?>) page.get(0);
        assertEquals(1, values.size());
        List<?> details = (List<?>) values.get(0);
        assertEquals(4, details.size());
        return details;
    }

    private static List<String> texts(String getResponse) {
        return texts(Responses.list(getResponse));
    }

    private static List<String> texts(List<?> page) {
        List<String> texts = new ArrayList<>();
        for (Object value : (List<?>) page.get(0)) {
            texts.add(new String((byte[]) value, StandardCharsets.UTF_8));
        }
        return texts;
    }
}
