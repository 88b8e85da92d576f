package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonRepliesTest {

    @Test
    void healthNamesStatusFirstThenTheService() {
        assertEquals("{\"status\":\"ok\",\"service\":\"some-service\"}",
                JsonReplies.health("some-service"));
    }

    @Test
    void anErrorIsEscapedJson() {
        assertEquals("{\"error\":\"a \\\"quoted\\\" reason\\nover two lines\"}",
                JsonReplies.error("a \"quoted\" reason\nover two lines"));
    }
}
