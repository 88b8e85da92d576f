package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TypeScript declarations describe the scripts as pages use them: sample page code compiles
 * under {@code tsc --strict} against the npm package's declarations (global and module forms, the
 * library and the standalone connect helper), and a Unite service against those of the runtime's
 * unite.js. TypeScript is installed from the npm registry into {@code target/typescript} once.
 */
class DeclarationsTypeCheckTest {
    private static final String TYPESCRIPT_VERSION = "5.9.3";
    private static final Path TOOLS = Path.of("target/typescript");
    private static final Path WORK = Path.of("target/typecheck");

    @BeforeAll
    static void installTypeScriptAndWritePackage() throws Exception {
        if (!Files.exists(tsc())) {
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", TOOLS.toString(),
                    "typescript@" + TYPESCRIPT_VERSION), Path.of("."));
        }
        NpmPackage.write(WORK, "0.0.0-test");
        // The runtime's unite.js has no npm package: its declarations (the library's, then unite.d.ts) go beside.
        Files.writeString(WORK.resolve("unite.d.ts"), ScriptBundle.UNITE.declarations(false));
        for (String sample : List.of("uses-library.ts", "uses-connect-module.ts", "uses-library-module.ts", "uses-unite.ts",
                "uses-swarm.ts")) {
            try (InputStream in = DeclarationsTypeCheckTest.class.getResourceAsStream("/typecheck/" + sample)) {
                Files.write(WORK.resolve(sample), in.readAllBytes());
            }
        }
    }

    private static Path tsc() {
        return TOOLS.resolve("node_modules/typescript/bin/tsc");
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    private static void typeCheck(String... files) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", tsc().toAbsolutePath().toString(), "--strict", "--noEmit",
                "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "--lib", "es2022,dom"));
        command.addAll(List.of(files));
        run(command, WORK);
    }

    @Test
    void pageCodeUsingTheGlobalsTypeChecksStrictly() throws Exception {
        typeCheck("browsersocket.d.ts", "uses-library.ts");
    }

    @Test
    void aUniteServiceTypeChecksStrictlyAgainstTheUniteScriptsDeclarations() throws Exception {
        typeCheck("unite.d.ts", "uses-unite.ts");
    }

    @Test
    void pageCodeImportingTheModulesTypeChecksStrictly() throws Exception {
        typeCheck("uses-connect-module.ts", "uses-library-module.ts");
    }

    @Test
    void pageCodeJoiningASwarmTypeChecksStrictly() throws Exception {
        typeCheck("browsersocket-swarm.d.ts", "uses-swarm.ts");
        typeCheck("browsersocket-swarm.d.mts");
    }

    @Test
    void theStandaloneDeclarationsStandAloneAndAgreeWithTheLibrarys() throws Exception {
        typeCheck("browsersocket-connect.d.ts");
        typeCheck("browsersocket.d.ts");
    }
}
