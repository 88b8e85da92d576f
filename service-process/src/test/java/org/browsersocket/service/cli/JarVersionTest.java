package org.browsersocket.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JarVersionTest {

    @Test
    void aPackagedModuleReportsTheVersionMavenRecorded() {
        // src/test/resources holds the pom.properties Maven would put in jar-version-test.jar.
        assertEquals("jar-version-test 1.2.3", JarVersion.of("jar-version-test"));
    }

    @Test
    void unpackagedClassesSayTheVersionIsUnknown() {
        assertEquals("no-such-module (unpackaged build, version unknown)",
                JarVersion.of("no-such-module"));
    }
}
