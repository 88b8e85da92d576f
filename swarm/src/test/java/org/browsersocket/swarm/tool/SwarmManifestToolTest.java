package org.browsersocket.swarm.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.browsersocket.cli.ExitCodes;
import org.browsersocket.swarm.manifest.ManifestCodec;
import org.browsersocket.swarm.manifest.ManifestFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class SwarmManifestToolTest {

    @TempDir
    Path dir;

    private Path site;
    private Path key;
    private String out;
    private String err;

    /** Runs the tool with {@code args}; keeps what it printed in {@link #out} and {@link #err}. */
    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        CommandLine cli = SwarmManifestTool.commandLine();
        cli.setOut(new PrintWriter(outText, true));
        cli.setErr(new PrintWriter(errText, true));
        int code = cli.execute(args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    @BeforeEach
    void makeSite() throws Exception {
        site = dir.resolve("site");
        Files.createDirectories(site.resolve("assets"));
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>game</title>");
        byte[] music = new byte[600_000];
        new Random(7).nextBytes(music);
        Files.write(site.resolve("assets/music.bin"), music);
        key = dir.resolve("site.pem");
    }

    private void keygenAndBuild() {
        assertEquals(0, run("keygen", "--key", key.toString()), err);
        assertEquals(0, run("build", site.toString(), "--key", key.toString(), "--site", "game"), err);
    }

    private String publicKey() throws Exception {
        return Files.readString(dir.resolve("site.pem.pub")).strip();
    }

    @Test
    void keygenThenBuildThenVerifyPasses() throws Exception {
        assertEquals(0, run("keygen", "--key", key.toString()), err);
        String publicKey = publicKey();
        assertEquals(43, publicKey.length());
        assertTrue(out.contains(publicKey), out);

        assertEquals(0, run("build", site.toString(), "--key", key.toString(), "--site", "game",
                "--published", "2026-11-30T22:00:00Z"), err);
        assertTrue(out.contains("site:       game"), out);
        assertTrue(out.contains("version:    1"), out);
        assertTrue(out.contains("files:      2"), out);
        assertTrue(out.contains("bytes:      600034"), out);
        assertTrue(out.contains("pieces:     4"), out);
        assertTrue(out.contains("public key: " + publicKey), out);
        assertTrue(Files.readString(ManifestFiles.signatureFile(site)).endsWith("\n"));

        assertEquals(0, run("verify", site.toString(), "--public-key", publicKey), out + err);
        assertTrue(out.startsWith("OK: site game version 1, 2 files"), out);
        assertEquals(0, run("verify", site.toString(), "--public-key", dir.resolve("site.pem.pub").toString()), out + err);
    }

    @Test
    void changingOneByteOfAFileMakesVerifyFailNamingTheFile() throws Exception {
        keygenAndBuild();
        Path music = site.resolve("assets/music.bin");
        byte[] bytes = Files.readAllBytes(music);
        bytes[300_000] ^= 1; // in the second piece
        Files.write(music, bytes);

        assertEquals(1, run("verify", site.toString(), "--public-key", publicKey()));
        String[] lines = out.split("\n");
        assertEquals(2, lines.length, out);
        assertTrue(lines[0].startsWith("assets/music.bin: contents differ"), out);
        assertTrue(lines[0].contains("piece(s) [1] of 3 differ"), out);
        assertTrue(lines[1].startsWith("FAILED: 1 problem"), out);
    }

    @Test
    void aMissingOrResizedFileIsNamed() throws Exception {
        keygenAndBuild();
        Files.delete(site.resolve("index.html"));
        Files.write(site.resolve("assets/music.bin"), new byte[3]);
        assertEquals(1, run("verify", site.toString(), "--public-key", publicKey()));
        assertTrue(out.contains("assets/music.bin: size is 3 bytes, the manifest says 600000"), out);
        assertTrue(out.contains("index.html: missing"), out);
    }

    @Test
    void changingTheManifestMakesVerifySayTheSignatureIsBad() throws Exception {
        keygenAndBuild();
        Path manifest = ManifestFiles.manifestFile(site);
        Files.writeString(manifest, Files.readString(manifest).replace("\"version\": 1", "\"version\": 9"));
        assertEquals(1, run("verify", site.toString(), "--public-key", publicKey()));
        assertTrue(out.startsWith("swarm/manifest.sig: the signature is bad"), out);
    }

    @Test
    void anotherSitesKeyDoesNotVerify() throws Exception {
        keygenAndBuild();
        assertEquals(0, run("keygen", "--key", dir.resolve("other.pem").toString()));
        String other = Files.readString(dir.resolve("other.pem.pub")).strip();
        assertEquals(1, run("verify", site.toString(), "--public-key", other));
        assertTrue(out.contains("the signature is bad"), out);
    }

    @Test
    void buildingAgainWithoutVersionGivesTheNextVersion() throws Exception {
        keygenAndBuild();
        assertEquals(0, run("build", site.toString(), "--key", key.toString(), "--site", "game"), err);
        assertTrue(out.contains("version:    2 (was 1)"), out);
        assertEquals(2, ManifestCodec.parse(Files.readAllBytes(ManifestFiles.manifestFile(site))).version());
        assertEquals(0, run("verify", site.toString(), "--public-key", publicKey()), out);
    }

    @Test
    void aVersionNotAboveTheExistingOneIsRefusedUnlessForced() throws Exception {
        keygenAndBuild();
        assertEquals(0, run("build", site.toString(), "--key", key.toString(), "--site", "game"), err);
        byte[] before = Files.readAllBytes(ManifestFiles.manifestFile(site));

        assertEquals(ExitCodes.BAD_USAGE, run("build", site.toString(), "--key", key.toString(), "--site", "game",
                "--version", "1"));
        assertTrue(err.startsWith("swarm-manifest build: --version 1 is not above the existing manifest's 2"), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(ManifestFiles.manifestFile(site))), "unchanged");

        assertEquals(0, run("build", site.toString(), "--key", key.toString(), "--site", "game",
                "--version", "1", "--force"), err);
        assertEquals(1, ManifestCodec.parse(Files.readAllBytes(ManifestFiles.manifestFile(site))).version());
    }

    @Test
    void keygenRefusesToOverwriteAKey() throws Exception {
        assertEquals(0, run("keygen", "--key", key.toString()));
        String before = Files.readString(key);
        assertEquals(ExitCodes.BAD_USAGE, run("keygen", "--key", key.toString()));
        assertTrue(err.contains("exists; refusing to overwrite a key"), err);
        assertEquals(before, Files.readString(key));

        Files.delete(key); // the .pub alone is enough to refuse
        assertEquals(ExitCodes.BAD_USAGE, run("keygen", "--key", key.toString()));
        assertFalse(Files.exists(key));
    }

    @Test
    void userErrorsAreOneLineWithoutAStackTrace() throws Exception {
        assertEquals(0, run("keygen", "--key", key.toString()));

        assertEquals(ExitCodes.FAILURE, run("build", dir.resolve("nowhere").toString(), "--key", key.toString(),
                "--site", "game"));
        assertOneLine("swarm-manifest build: SITE_DIR " + dir.resolve("nowhere") + ": no such directory");

        assertEquals(ExitCodes.FAILURE, run("build", site.toString(), "--key", dir.resolve("none.pem").toString(),
                "--site", "game"));
        assertOneLine("swarm-manifest build: cannot read key " + dir.resolve("none.pem") + ": no such file");

        Path notKey = dir.resolve("site.pem.pub");
        assertEquals(ExitCodes.FAILURE, run("build", site.toString(), "--key", notKey.toString(), "--site", "game"));
        assertOneLine("swarm-manifest build: " + notKey + " is not a PEM file (no -----BEGIN ...----- block)");

        assertEquals(ExitCodes.BAD_USAGE, run("build", site.toString(), "--key", key.toString(), "--site", "My Site"));
        assertOneLine("swarm-manifest build: site must match [a-z0-9][a-z0-9.-]{0,63}, 'My Site' does not");

        assertEquals(ExitCodes.BAD_USAGE, run("build", site.toString(), "--key", key.toString(), "--site", "game",
                "--piece-size", "1000"));
        assertOneLine("swarm-manifest build: --piece-size must be a power of two from 16384 to 16777216, not 1000");

        assertEquals(ExitCodes.BAD_USAGE, run("build", site.toString(), "--key", key.toString(), "--site", "game",
                "--published", "tomorrow"));
        assertTrue(err.contains("--published 'tomorrow'"), err);

        assertEquals(ExitCodes.BAD_USAGE, run("verify", site.toString(), "--public-key", "nope"));
        assertTrue(err.startsWith("swarm-manifest verify: --public-key: a public key is the unpadded base64url"), err);

        assertEquals(ExitCodes.BAD_USAGE, run("build", site.toString(), "--site", "game"));
        assertOneLine("build: Missing required option: '--key=FILE' (see --help)");

        assertEquals(ExitCodes.BAD_USAGE, run("frobnicate"));
        assertTrue(err.contains("Unmatched argument") || err.contains("Unknown"), err);
    }

    private void assertOneLine(String expected) {
        assertEquals(expected + System.lineSeparator(), err);
    }

    @Test
    void helpIsPrintedForTheToolAndEachSubcommand() {
        assertEquals(0, run("--help"));
        assertTrue(out.contains("keygen") && out.contains("build") && out.contains("verify"), out);
        for (String sub : new String[] {"keygen", "build", "verify"}) {
            assertEquals(0, run(sub, "--help"));
            assertTrue(out.startsWith("Usage: swarm-manifest " + sub), out);
        }
    }
}
