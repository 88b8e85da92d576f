package org.browsersocket.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A JavaScript program run by Node.js, for tests of the library's scripts outside a browser. */
final class NodeProgram {
    private NodeProgram() {}

    /** Runs `program` (CommonJS) in `dir`; returns what it printed (standard output and error), stripped. */
    static String run(Path dir, String program) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process node = new ProcessBuilder("node", "-e", program).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!node.waitFor(1, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new IllegalStateException("node did not finish: " + out);
        }
        return out;
    }

    /** The source of a library fragment, e.g. {@code lib/wire.js}. */
    static String fragment(String name) throws IOException {
        return Files.readString(Path.of("src/main/js").resolve(name));
    }

    /** A test resource's text, e.g. {@code node/swarm-sources.js}. */
    static String resource(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources").resolve(name));
    }
}
