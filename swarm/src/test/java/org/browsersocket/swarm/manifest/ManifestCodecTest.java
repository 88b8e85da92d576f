package org.browsersocket.swarm.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PIECE = Manifest.DEFAULT_PIECE_SIZE;

    private static String hash(String seed) {
        return Sha256.of(seed.getBytes(StandardCharsets.UTF_8));
    }

    private static Manifest sample() {
        return new Manifest("game", 3, Instant.parse("2026-11-30T22:00:00Z"), PIECE, List.of(
                new ManifestFile("assets/music.bin", 600000, "application/octet-stream", hash("music"),
                        List.of(hash("p0"), hash("p1"), hash("p2"))),
                new ManifestFile("index.html", 1234, "text/html; charset=utf-8", hash("index"), List.of())));
    }

    private static ObjectNode sampleTree() throws Exception {
        return (ObjectNode) JSON.readTree(ManifestCodec.encode(sample()));
    }

    private static ObjectNode file(ObjectNode tree, int index) {
        return (ObjectNode) tree.get("files").get(index);
    }

    /** Asserts the manifest {@code change} makes of the sample is refused with all of {@code fragments}. */
    private static void refused(Consumer<ObjectNode> change, String... fragments) throws Exception {
        ObjectNode tree = sampleTree();
        change.accept(tree);
        refusedBytes(JSON.writeValueAsBytes(tree), fragments);
    }

    private static void refusedBytes(byte[] json, String... fragments) {
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestCodec.parse(json));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
        }
    }

    @Test
    void aManifestRoundTripsThroughItsBytes() throws Exception {
        byte[] bytes = ManifestCodec.encode(sample());
        assertEquals(sample(), ManifestCodec.parse(bytes));
        assertArrayEquals(bytes, ManifestCodec.encode(ManifestCodec.parse(bytes)));
    }

    @Test
    void encodingWritesTheFieldsInTheDocumentedOrderIndentedByTwoSpaces() throws Exception {
        String text = new String(ManifestCodec.encode(sample()), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\n  \"format\": \"browsersocket-swarm-manifest/1\",\n  \"site\": \"game\",\n"
                + "  \"version\": 3,\n  \"published\": \"2026-11-30T22:00:00Z\",\n  \"pieceSize\": 262144,\n"
                + "  \"files\": [\n    {\n      \"path\": \"assets/music.bin\",\n      \"size\": 600000,\n"), text);
        assertTrue(text.endsWith("}\n") && !text.contains("\r"), text);
        assertTrue(text.indexOf("\"path\"") < text.indexOf("\"size\"") && text.indexOf("\"size\"") < text.indexOf("\"type\"")
                && text.indexOf("\"type\"") < text.indexOf("\"sha256\"") && text.indexOf("\"sha256\"") < text.indexOf("\"pieces\""));
        assertEquals(1, text.split("\"pieces\"", -1).length - 1, "only the large file lists pieces");
    }

    @Test
    void aCompactManifestOfAnotherProducerParsesToo() throws Exception {
        byte[] compact = JSON.writeValueAsBytes(sampleTree());
        assertEquals(sample(), ManifestCodec.parse(compact));
    }

    @Test
    void aWrongFormatIsRefused() throws Exception {
        refused(t -> t.put("format", "browsersocket-swarm-manifest/2"), "format must be", "manifest/2");
    }

    @Test
    void aBadSiteNameIsRefused() throws Exception {
        refused(t -> t.put("site", "Game"), "site must match", "'Game'");
        refused(t -> t.put("site", "-game"), "site must match");
    }

    @Test
    void aVersionOutsideOneTo2Pow53MinusOneOrNotAnIntegerIsRefused() throws Exception {
        refused(t -> t.put("version", 0), "version must be 1 ... 9007199254740991", "not 0");
        refused(t -> t.put("version", 9007199254740992L), "version must be 1 ... 9007199254740991", "9007199254740992");
        refused(t -> t.put("version", "3"), "version must be an integer", "\"3\"");
        refused(t -> t.put("version", 3.5), "version must be an integer", "3.5");
        refused(t -> t.put("version", new java.math.BigInteger("123456789012345678901234567890")), "version must be an integer");
    }

    @Test
    void aPublishedTimeThatIsNotAUtcInstantIsRefused() throws Exception {
        refused(t -> t.put("published", "2026-11-30T22:00:00+01:00"), "published must be an ISO-8601 UTC instant");
        refused(t -> t.put("published", "2026-02-30T22:00:00Z"), "published must be");
        refused(t -> t.put("published", "yesterday"), "published must be", "'yesterday'");
    }

    @Test
    void aPieceSizeThatIsNotAPowerOfTwoInRangeIsRefused() throws Exception {
        refused(t -> t.put("pieceSize", 200000), "pieceSize must be a power of two", "not 200000");
        refused(t -> t.put("pieceSize", 8192), "pieceSize must be a power of two", "not 8192");
        refused(t -> t.put("pieceSize", 33554432), "pieceSize must be a power of two", "not 33554432");
    }

    @Test
    void unsortedFilesAreRefused() throws Exception {
        refused(t -> {
            ArrayNode files = (ArrayNode) t.get("files");
            files.insert(0, files.remove(1));
        }, "files must be sorted by path", "'assets/music.bin' comes after 'index.html'");
    }

    @Test
    void aDuplicatePathIsRefused() throws Exception {
        refused(t -> {
            ArrayNode files = (ArrayNode) t.get("files");
            files.add(files.get(1).deepCopy());
        }, "unique paths", "'index.html' is listed twice");
    }

    @Test
    void aManifestListingAHundredThousandFilesIsRefused() {
        StringBuilder json = new StringBuilder("{\"format\":\"" + Manifest.FORMAT + "\",\"site\":\"game\",\"version\":1,"
                + "\"published\":\"2026-11-30T22:00:00Z\",\"pieceSize\":262144,\"files\":[");
        for (int i = 0; i < 100_000; i++) {
            json.append(i == 0 ? "" : ",").append("{}");
        }
        json.append("]}");
        refusedBytes(json.toString().getBytes(StandardCharsets.UTF_8),
                "manifest lists 100000 files, at most 10000 are allowed");
    }

    @Test
    void pathsThatLeaveTheSiteOrNeedDecodingAreRefused() throws Exception {
        String[][] cases = {
            {"../x", "'..' segment"},
            {"a/../../x", "'..' segment"},
            {"./x", "'.' segment"},
            {"/etc/passwd", "must be relative"},
            {"a//b", "empty segment"},
            {"a/", "empty segment"},
            {"a\\b", "characters outside [A-Za-z0-9._~-]"},
            {"%2e%2e/x", "characters outside"},
            {"caf\u00e9.html", "characters outside"},
            {"swarm/manifest.json", "under swarm/"},
            {"swarm", "under swarm/"},
            {"a".repeat(257), "257 characters long"},
        };
        for (String[] c : cases) {
            refused(t -> {
                file(t, 1).put("path", c[0]);
                ArrayNode files = (ArrayNode) t.get("files");
                if (c[0].compareTo("assets/music.bin") < 0) { // keep the list sorted: only the path rule is at fault
                    files.insert(0, files.remove(1));
                }
            }, c[1]);
        }
        assertNull(SitePaths.problem("assets/fonts/Inter-Bold.woff2"));
        assertNull(SitePaths.problem("a/swarm/x"), "only the top-level swarm/ is reserved");
        assertNull(SitePaths.problem("~user/a...b"));
    }

    @Test
    void aWrongNumberOfPiecesIsRefused() throws Exception {
        refused(t -> ((ArrayNode) file(t, 0).get("pieces")).remove(2), "must list 3 pieces, not 2");
        refused(t -> file(t, 0).remove("pieces"), "must list 3 pieces, not 0");
        refused(t -> file(t, 1).putArray("pieces"), "pieces must be absent when size (1234) is at most pieceSize");
        refused(t -> file(t, 0).put("size", 262144 * 3 + 1), "must list 4 pieces, not 3");
    }

    @Test
    void hashesThatAreNotBase64urlOf32BytesAreRefused() throws Exception {
        refused(t -> file(t, 1).put("sha256", hash("x").substring(1)), "sha256 must be the unpadded base64url of 32 bytes");
        refused(t -> file(t, 1).put("sha256", hash("x") + "="), "sha256 must be");
        refused(t -> file(t, 1).put("sha256", Sha256.of(new byte[0]).replace('-', '+')), "sha256 must be");
        refused(t -> ((ArrayNode) file(t, 0).get("pieces")).set(1, JSON.getNodeFactory().textNode("AAAA")),
                "pieces[1] must be the unpadded base64url of 32 bytes");
    }

    @Test
    void aSizeOrTypeOutOfBoundsIsRefused() throws Exception {
        refused(t -> file(t, 1).put("size", -1), "size must be 0 ... 4294967296", "not -1");
        refused(t -> file(t, 1).put("size", 4294967297L), "size must be 0 ... 4294967296");
        refused(t -> file(t, 1).put("type", ""), "type must not be empty");
        refused(t -> file(t, 1).put("type", "text/html\n"), "printable ASCII");
        refused(t -> file(t, 1).put("type", "x".repeat(129)), "at most 128");
    }

    @Test
    void unknownAndMissingFieldsAreRefused() throws Exception {
        refused(t -> t.put("signature", "trust me"), "unknown field 'signature'");
        refused(t -> file(t, 1).put("integrity", "sha384-x"), "files[1]", "unknown field 'integrity'");
        refused(t -> t.remove("site"), "no 'site' field");
        refused(t -> file(t, 1).remove("sha256"), "files[1]", "no 'sha256' field");
    }

    @Test
    void aManifestOverFourMebibytesIsRefusedBeforeParsing() {
        byte[] big = new byte[ManifestCodec.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        refusedBytes(big, "manifest is 4194305 bytes, at most 4194304 are allowed");
    }

    @Test
    void encodingRefusesAManifestThatWouldExceedFourMebibytes() {
        List<ManifestFile> files = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            pieces.add(hash("p" + i));
        }
        for (int i = 0; i < 500; i++) {
            files.add(new ManifestFile(String.format("f%04d.bin", i), 256L * Manifest.MIN_PIECE_SIZE,
                    "application/octet-stream", hash("f" + i), pieces));
        }
        Manifest huge = new Manifest("game", 1, Instant.EPOCH, Manifest.MIN_PIECE_SIZE, files);
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestCodec.encode(huge));
        assertTrue(e.getMessage().contains("at most 4194304"), e.getMessage());
    }

    @Test
    void encodingRefusesAManifestBreakingARule() {
        Manifest unsorted = new Manifest("game", 1, Instant.EPOCH, PIECE, List.of(sample().files().get(1), sample().files().get(0)));
        assertThrows(ManifestException.class, () -> ManifestCodec.encode(unsorted));
    }

    @Test
    void invalidJsonDuplicateKeysAndTrailingDataAreRefusedClearly() {
        refusedBytes("{\"format\": ".getBytes(StandardCharsets.UTF_8), "manifest is not valid JSON", "line 1");
        refusedBytes("".getBytes(StandardCharsets.UTF_8), "manifest is not");
        refusedBytes("[]".getBytes(StandardCharsets.UTF_8), "manifest must be a JSON object");
        refusedBytes(new byte[] {'{', (byte) 0xff, '}'}, "not UTF-8");
        refusedBytes("{\"site\":\"a\",\"site\":\"b\"}".getBytes(StandardCharsets.UTF_8), "not valid JSON", "site");
        refusedBytes("{} {}".getBytes(StandardCharsets.UTF_8), "not valid JSON");
    }
}
