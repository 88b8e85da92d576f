package org.browsersocket.swarm.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.browsersocket.swarm.manifest.BuildResult.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestBuilderTest {

    private static final int PIECE = Manifest.MIN_PIECE_SIZE;
    private static final Instant PUBLISHED = Instant.parse("2026-11-30T22:00:00Z");

    @TempDir
    Path site;

    private final Map<String, byte[]> contents = new java.util.HashMap<>();

    @BeforeEach
    void makeSite() throws Exception {
        put("index.html", "<!doctype html><title>game</title>".getBytes());
        put("empty.bin", new byte[0]);
        put("assets/exact.bin", random(PIECE, 1));
        put("assets/plus-one.bin", random(PIECE + 1, 2));
        put("assets/music/three.ogg", random(3 * PIECE - 5, 3));
        put("Zebra.css", "b{}".getBytes()); // upper case sorts before lower case
        Files.writeString(site.resolve(".hidden"), "secret");
        Files.createDirectories(site.resolve(".git"));
        Files.writeString(site.resolve(".git/config"), "[core]");
        Files.createDirectories(site.resolve("drafts"));
        Files.writeString(site.resolve("drafts/next.html"), "soon");
        Files.writeString(site.resolve("assets/app.js.map"), "{}");
        Files.createDirectories(site.resolve("swarm"));
        Files.writeString(site.resolve("swarm/manifest.json"), "{}");
        Files.createSymbolicLink(site.resolve("passwd.txt"), Path.of("/etc/passwd"));
    }

    private void put(String path, byte[] bytes) throws Exception {
        Path file = site.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        contents.put(path, bytes);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private ManifestBuilder builder() {
        return new ManifestBuilder(site).site("game").version(3).published(PUBLISHED).pieceSize(PIECE)
                .exclude("drafts").exclude("**.map");
    }

    @Test
    void listsRegularFilesSortedByPathAndSkipsHiddenExcludedLinkedAndTheSwarmDirectory() throws Exception {
        BuildResult result = builder().build();
        List<String> paths = result.manifest().files().stream().map(ManifestFile::path).toList();
        assertEquals(List.of("Zebra.css", "assets/exact.bin", "assets/music/three.ogg", "assets/plus-one.bin",
                "empty.bin", "index.html"), paths);
        assertEquals(List.of(".git", ".hidden"), pathsSkipped(result, Reason.HIDDEN));
        assertEquals(List.of("assets/app.js.map", "drafts"), pathsSkipped(result, Reason.EXCLUDED));
        assertEquals(List.of("passwd.txt"), pathsSkipped(result, Reason.SYMBOLIC_LINK));
    }

    private static List<String> pathsSkipped(BuildResult result, Reason reason) {
        return result.skipped(reason).stream().map(BuildResult.Skipped::path).sorted().toList();
    }

    @Test
    void hiddenFilesAreListedWhenAskedFor() throws Exception {
        BuildResult result = builder().includeHidden(true).build();
        List<String> paths = result.manifest().files().stream().map(ManifestFile::path).toList();
        assertTrue(paths.contains(".hidden") && paths.contains(".git/config"), paths.toString());
    }

    @Test
    void sizesHashesAndPiecesMatchAnIndependentComputation() throws Exception {
        Manifest manifest = builder().build().manifest();
        Map<String, ManifestFile> byPath = manifest.files().stream()
                .collect(Collectors.toMap(ManifestFile::path, Function.identity()));
        for (var entry : contents.entrySet()) {
            ManifestFile file = byPath.get(entry.getKey());
            byte[] bytes = entry.getValue();
            assertEquals(bytes.length, file.size(), entry.getKey());
            assertEquals(sha256(bytes), file.sha256(), entry.getKey());
            assertEquals(expectedPieces(bytes), file.pieces(), entry.getKey());
        }
        assertEquals(0, byPath.get("empty.bin").pieces().size());
        assertEquals(0, byPath.get("assets/exact.bin").pieces().size(), "exactly one piece: no piece list");
        assertEquals(2, byPath.get("assets/plus-one.bin").pieces().size());
        assertEquals(3, byPath.get("assets/music/three.ogg").pieces().size());
        assertEquals(sha256(new byte[] {contents.get("assets/plus-one.bin")[PIECE]}),
                byPath.get("assets/plus-one.bin").pieces().get(1), "the last piece is the one byte left");
    }

    private static List<String> expectedPieces(byte[] bytes) throws Exception {
        List<String> pieces = new ArrayList<>();
        if (bytes.length > PIECE) {
            for (int offset = 0; offset < bytes.length; offset += PIECE) {
                pieces.add(sha256(Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + PIECE))));
            }
        }
        return pieces;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void contentTypesComeFromTheExtension() throws Exception {
        Map<String, String> types = builder().build().manifest().files().stream()
                .collect(Collectors.toMap(ManifestFile::path, ManifestFile::type));
        assertEquals("text/html; charset=utf-8", types.get("index.html"));
        assertEquals("text/css; charset=utf-8", types.get("Zebra.css"));
        assertEquals("audio/ogg", types.get("assets/music/three.ogg"));
        assertEquals("application/octet-stream", types.get("empty.bin"));
        assertEquals("application/octet-stream", ContentTypes.forPath("README"));
        assertEquals("text/javascript; charset=utf-8", ContentTypes.forPath("a/B.MJS"));
    }

    @Test
    void buildingTwiceGivesByteIdenticalManifests() throws Exception {
        byte[] first = ManifestCodec.encode(builder().build().manifest());
        byte[] second = ManifestCodec.encode(builder().build().manifest());
        assertArrayEquals(first, second);
        assertEquals(ManifestCodec.parse(first), builder().build().manifest());
    }

    @Test
    void aFileWhosePathBreaksTheRulesIsRefusedNamingIt() throws Exception {
        Files.writeString(site.resolve("my page.html"), "x");
        ManifestException e = assertThrows(ManifestException.class, () -> builder().build());
        assertTrue(e.getMessage().contains("'my page.html'") && e.getMessage().contains("--exclude"), e.getMessage());
        builder().exclude("my page.html").build(); // excluded on purpose: fine
    }

    @Test
    void badSiteNameOrPieceSizeIsRefusedBeforeReadingAnything() {
        ManifestException e = assertThrows(ManifestException.class, () -> builder().site("Game").build());
        assertTrue(e.getMessage().contains("site"), e.getMessage());
        e = assertThrows(ManifestException.class, () -> builder().pieceSize(20000).build());
        assertTrue(e.getMessage().contains("pieceSize"), e.getMessage());
    }
}
