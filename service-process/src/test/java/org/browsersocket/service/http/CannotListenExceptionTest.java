package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.BindException;

import org.junit.jupiter.api.Test;

class CannotListenExceptionTest {

    @Test
    void theReasonIsTheInnermostMessageRatherThanTheWrappersText() {
        BindException bind = new BindException("Address already in use");
        IOException wrapper = new IOException("Failed to bind to 0.0.0.0/0.0.0.0:7050", bind);
        CannotListenException e = new CannotListenException(7050,
                new RuntimeException("start failed", wrapper));
        assertEquals("cannot listen on port 7050: Address already in use", e.getMessage());
        assertEquals(7050, e.port());
        assertEquals("start failed", e.getCause().getMessage());
    }

    @Test
    void withoutAnyMessageTheReasonIsTheFailuresType() {
        CannotListenException e = new CannotListenException(80, new BindException());
        assertEquals("cannot listen on port 80: BindException", e.getMessage());
        assertSame(BindException.class, e.getCause().getClass());
    }

    @Test
    void blankMessagesAreNoReason() {
        CannotListenException e = new CannotListenException(80,
                new IOException("Failed to bind", new BindException("  ")));
        assertEquals("cannot listen on port 80: Failed to bind", e.getMessage());
    }
}
