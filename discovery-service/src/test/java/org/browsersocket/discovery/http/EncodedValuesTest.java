package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.browsersocket.discovery.store.Page;
import org.browsersocket.discovery.store.StoredValue;
import org.junit.jupiter.api.Test;

/** When a kept answer stops being true, and which answers are kept at all. */
class EncodedValuesTest {
    private static final byte[] KEY = {1, 2, 3};
    private static final long NOW = 1_000_000;

    private static StoredValue expiringAt(long millis) {
        return new StoredValue(new byte[] {9}, new byte[20], millis, null);
    }

    private static Page whole(StoredValue... values) {
        return new Page(List.of(values), new byte[0]);
    }

    @Test
    void anAnswerIsTrueUntilTheFirstShownTtlTicksDown() {
        // 600.5 s left shows as 601 until 0.5 s from now; 2.2 s left shows as 3 until 0.2 s from now.
        assertEquals(NOW + 200, EncodedValues.validUntil(List.of(expiringAt(NOW + 600_500), expiringAt(NOW + 2_200)), NOW));
    }

    @Test
    void anAnswerIsTrueUntilItsEarliestValueExpires() {
        assertEquals(NOW + 300, EncodedValues.validUntil(List.of(expiringAt(NOW + 300)), NOW));
    }

    @Test
    void anAnswerIsNeverKeptLongerThanTheMaximumAge() {
        assertEquals(NOW + EncodedValues.MAX_AGE_MILLIS, EncodedValues.validUntil(List.of(), NOW));
        assertEquals(NOW + EncodedValues.MAX_AGE_MILLIS, EncodedValues.validUntil(List.of(expiringAt(NOW + 600_000)), NOW));
    }

    @Test
    void aKeptAnswerIsServedUntilItsTimeThenNoMore() {
        EncodedValues kept = new EncodedValues(true);
        kept.keep(KEY, 10, kept.stamp(), whole(expiringAt(NOW + 300)), NOW, "answer");
        assertEquals("answer", kept.answer(KEY, 10, NOW + 299));
        assertNull(kept.answer(KEY, 10, NOW + 300));
        assertNull(kept.answer(KEY, 20, NOW), "kept per number of values asked for");
    }

    @Test
    void aWriteForgetsTheKeysAnswersAndThoseOfReadsThatBeganBeforeIt() {
        EncodedValues kept = new EncodedValues(true);
        kept.keep(KEY, 10, kept.stamp(), whole(), NOW, "before");
        long readBegan = kept.stamp();
        kept.published(KEY, null);
        assertNull(kept.answer(KEY, 10, NOW));
        kept.keep(KEY, 10, readBegan, whole(), NOW, "read before the write");
        assertNull(kept.answer(KEY, 10, NOW), "a read that raced with a write is not kept");
        kept.keep(KEY, 10, kept.stamp(), whole(), NOW, "after");
        assertEquals("after", kept.answer(KEY, 10, NOW));
    }

    @Test
    void partialPagesAndSharedStoresAreNeverKept() {
        EncodedValues kept = new EncodedValues(true);
        kept.keep(KEY, 1, kept.stamp(), new Page(List.of(expiringAt(NOW + 600_000)), new byte[20]), NOW, "page 1");
        assertNull(kept.answer(KEY, 1, NOW));
        EncodedValues shared = new EncodedValues(false);
        shared.keep(KEY, 10, shared.stamp(), whole(), NOW, "answer");
        assertNull(shared.answer(KEY, 10, NOW));
    }
}
