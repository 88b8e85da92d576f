package org.browsersocket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReleaseVersionTest {

    @Test
    void aPackagedModuleReportsTheVersionMavenRecorded() {
        // src/test/resources holds the pom.properties Maven would put in jar-version-test.jar.
        assertEquals("BrowserSocket jar-version-test 1.2.3", ReleaseVersion.of("jar-version-test"));
    }

    @Test
    void unpackagedClassesSayTheVersionIsUnknown() {
        assertEquals("BrowserSocket no-such-module (unpackaged build, version unknown)",
                ReleaseVersion.of("no-such-module"));
    }
}
