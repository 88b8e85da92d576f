package org.browsersocket.runtime.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A named listener keeps its address across visits of its site, and across restarts of the runtime. */
class NamedListenerTest {
    @TempDir
    Path configDir;

    private static String listenNamed(JavaPage page, String name) throws InterruptedException {
        page.send(new ControlMessage.Hello(page.token()));
        page.expect(ControlMessage.Welcome.class);
        page.send(new ControlMessage.Listen(0, false, name));
        return page.expect(ControlMessage.Listening.class).prefix();
    }

    private RuntimeConfig config() {
        return RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN).withConfigDir(configDir);
    }

    @Test
    void aNamedListenerGetsTheSamePrefixOnEveryVisitAndAfterARestart() throws Exception {
        String first;
        try (RuntimeFixture fixture = RuntimeFixture.start(config())) {
            JavaPage visit = fixture.page();
            first = listenNamed(visit, "notes");
            assertNotEquals(visit.prefixes().get(0), first, "not the prefix minted into this visit's script");
            visit.closeBlocking();
            assertEquals(first, listenNamed(fixture.page(), "notes"), "the next visit");
            assertNotEquals(first, listenNamed(fixture.page(), "other"), "another name, another prefix");
        }
        try (RuntimeFixture restarted = RuntimeFixture.start(config())) {
            assertEquals(first, listenNamed(restarted.page(), "notes"), "after the runtime restarted");
        }
    }

    @Test
    void aNameOpenInOneTabIsRefusedInASecond() throws Exception {
        try (RuntimeFixture fixture = RuntimeFixture.start(config())) {
            listenNamed(fixture.page(), "notes");
            JavaPage second = fixture.page();
            second.send(new ControlMessage.Hello(second.token()));
            second.expect(ControlMessage.Welcome.class);
            second.send(new ControlMessage.Listen(0, false, "notes"));
            ControlMessage.Error error = second.expect(ControlMessage.Error.class);
            assertTrue(error.reason().contains("already open"), error.reason());
        }
    }
}
