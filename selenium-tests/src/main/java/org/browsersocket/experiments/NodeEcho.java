package org.browsersocket.experiments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js {@code ws} echo server baseline: the harness installs {@code ws} from the npm
 * registry into {@code selenium-tests/target/node} (once) and runs {@code echo-server.js}.
 */
public final class NodeEcho implements AutoCloseable {
    private static final String WS_VERSION = "8.18.0";
    private final Process process;
    private final int port;

    private NodeEcho(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static NodeEcho start(Path repoRoot) throws Exception {
        Path dir = repoRoot.resolve("selenium-tests/target/node");
        Files.createDirectories(dir);
        try (InputStream script = NodeEcho.class.getResourceAsStream("/node/echo-server.js")) {
            Files.copy(script, dir.resolve("echo-server.js"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/ws"))) {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
                    "ws@" + WS_VERSION).redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm install ws failed: " + log);
            }
        }
        Process process = new ProcessBuilder("node", "echo-server.js", "0").directory(dir.toFile())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("listening ")) {
            process.destroyForcibly();
            throw new IllegalStateException("the Node.js echo server did not start: " + line);
        }
        return new NodeEcho(process, Integer.parseInt(line.substring("listening ".length()).trim()));
    }

    public String url() {
        return "ws://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
