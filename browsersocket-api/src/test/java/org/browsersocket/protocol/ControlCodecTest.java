package org.browsersocket.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlCodecTest {
    private final ControlCodec codec = new ControlCodec();

    @Test
    void everyMessageSurvivesARoundTrip() throws Exception {
        List<ControlMessage> messages = List.of(
                new ControlMessage.Hello("tok"), new ControlMessage.Listen(2), new ControlMessage.Unlisten(2),
                new ControlMessage.Accept(7, "chat", Map.of("X-A", "1")), new ControlMessage.Reject(7, 403, "no"),
                new ControlMessage.Close(7, 4001, "bye", true), new ControlMessage.Welcome(7041, 1024, true),
                new ControlMessage.Listening(0, "/p/", 7041),
                new ControlMessage.Handshake(1, 0, "/p/x", "http://a", List.of("chat"), Map.of("host", "h"), "127.0.0.1:5"),
                new ControlMessage.Open(1, null), new ControlMessage.Error(null, "oops", false));
        for (ControlMessage message : messages) {
            assertEquals(message, codec.decode(codec.encode(message)));
        }
    }

    @Test
    void wireFormatUsesATypeField() {
        assertEquals("{\"type\":\"listen\",\"listener\":3,\"credentialHeaders\":false}", codec.encode(new ControlMessage.Listen(3)));
    }

    @Test
    void pageMessagesAsTheJavaScriptLibraryWritesThemDecode() throws Exception {
        assertEquals(new ControlMessage.Accept(4, null, Map.of()),
                codec.decode("{\"type\":\"accept\",\"conn\":4,\"protocol\":null,\"headers\":{}}"));
        assertEquals(new ControlMessage.Close(4, 1000, "", false),
                codec.decode("{\"type\":\"close\",\"conn\":4,\"code\":1000,\"reason\":\"\"}"));
    }

    @Test
    void malformedMessagesAreRejectedWithAReadableReason() {
        for (String bad : List.of("nope", "{}", "{\"type\":\"zap\"}", "{\"type\":\"listen\"}",
                "{\"type\":\"listen\",\"listener\":-1}", "{\"type\":\"reject\",\"conn\":1,\"status\":200}",
                "{\"type\":\"close\",\"conn\":1,\"code\":5000}", "{\"type\":\"hello\",\"token\":\"\"}", "null", "[]")) {
            var error = assertThrows(ControlCodec.MalformedControlMessage.class, () -> codec.decode(bad), bad);
            assertTrue(error.getMessage().startsWith("malformed control message"), error.getMessage());
        }
    }

    @Test
    void longCloseReasonsAreCutToFitACloseFrame() {
        String reason = "é".repeat(100); // 200 bytes of UTF-8
        ControlMessage.Close close = new ControlMessage.Close(1, 1000, reason, true);
        assertTrue(close.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123);
    }
}
