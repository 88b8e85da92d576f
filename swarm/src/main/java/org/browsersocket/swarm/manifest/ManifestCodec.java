package org.browsersocket.swarm.manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Writes and reads {@code swarm/manifest.json}, format {@value Manifest#FORMAT}, and holds its
 * rules: {@link #parse} refuses a manifest breaking any of them with a {@link ManifestException}
 * naming the rule and the offending value, and {@link #encode} refuses to write one.
 *
 * <p>The encoding is deterministic: the fields in the documented order, pretty-printed with
 * two-space indentation, {@code "name": value}, {@code \n} line ends, one final {@code \n}. The
 * signature covers the bytes as written, so a reader needs no canonical form: it checks the
 * signature over the bytes it received, then parses them.
 */
public final class ManifestCodec {

    /** The largest manifest.json: 4 MiB. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final Pattern SITE = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final int MAX_TYPE_LENGTH = 128;
    private static final List<String> TOP_FIELDS = List.of("format", "site", "version", "published", "pieceSize", "files");
    private static final List<String> FILE_FIELDS = List.of("path", "size", "type", "sha256", "pieces");
    private static final Set<String> OPTIONAL_FILE_FIELDS = Set.of("pieces");

    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final JsonFactory WRITER = new JsonFactory();

    private ManifestCodec() {
    }

    /** The bytes of {@code manifest.json} for {@code manifest}. */
    public static byte[] encode(Manifest manifest) throws ManifestException {
        validate(manifest);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = WRITER.createGenerator(bytes)) {
            json.setPrettyPrinter(prettyPrinter());
            json.writeStartObject();
            json.writeStringField("format", Manifest.FORMAT);
            json.writeStringField("site", manifest.site());
            json.writeNumberField("version", manifest.version());
            json.writeStringField("published", manifest.published().toString());
            json.writeNumberField("pieceSize", manifest.pieceSize());
            json.writeArrayFieldStart("files");
            for (ManifestFile file : manifest.files()) {
                json.writeStartObject();
                json.writeStringField("path", file.path());
                json.writeNumberField("size", file.size());
                json.writeStringField("type", file.type());
                json.writeStringField("sha256", file.sha256());
                if (!file.pieces().isEmpty()) {
                    json.writeArrayFieldStart("pieces");
                    for (String piece : file.pieces()) {
                        json.writeString(piece);
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        if (bytes.size() > MAX_BYTES) {
            throw new ManifestException("manifest would be " + bytes.size() + " bytes, at most " + MAX_BYTES
                    + " are allowed (list fewer files, or use larger pieces)");
        }
        return bytes.toByteArray();
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        // Spelled out rather than Jackson's defaults, whose line end is the platform's.
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        return new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
    }

    /** The manifest in {@code json}, the bytes of a {@code manifest.json}, checked against every rule. */
    public static Manifest parse(byte[] json) throws ManifestException {
        if (json.length > MAX_BYTES) {
            throw new ManifestException("manifest is " + json.length + " bytes, at most " + MAX_BYTES + " are allowed");
        }
        JsonNode root = readJson(json);
        if (!root.isObject()) {
            throw new ManifestException("manifest must be a JSON object, not " + describe(root));
        }
        checkFields(root, TOP_FIELDS, Set.of(), "manifest");
        String format = string(root, "format", "manifest");
        if (!format.equals(Manifest.FORMAT)) {
            throw new ManifestException("format must be '" + Manifest.FORMAT + "', not '" + format + "'");
        }
        String site = string(root, "site", "manifest");
        long version = integer(root, "version", "manifest");
        String published = string(root, "published", "manifest");
        long pieceSize = integer(root, "pieceSize", "manifest");
        checkPieceSize(pieceSize);
        JsonNode filesNode = root.get("files");
        if (!filesNode.isArray()) {
            throw new ManifestException("files must be an array, not " + describe(filesNode));
        }
        checkFileCount(filesNode.size());
        List<ManifestFile> files = new ArrayList<>(filesNode.size());
        for (int i = 0; i < filesNode.size(); i++) {
            files.add(file(filesNode.get(i), i, (int) pieceSize));
        }
        Manifest manifest = new Manifest(site, version, publishedInstant(published), (int) pieceSize, files);
        validate(manifest);
        return manifest;
    }

    /** Checks every rule the values of {@code manifest} are bound by. */
    public static void validate(Manifest manifest) throws ManifestException {
        if (!SITE.matcher(manifest.site()).matches()) {
            throw new ManifestException("site must match [a-z0-9][a-z0-9.-]{0,63}, '" + manifest.site() + "' does not");
        }
        if (manifest.version() < 1 || manifest.version() > Manifest.MAX_VERSION) {
            throw new ManifestException("version must be 1 ... " + Manifest.MAX_VERSION + ", not " + manifest.version());
        }
        publishedInstant(manifest.published().toString());
        checkPieceSize(manifest.pieceSize());
        checkFileCount(manifest.files().size());
        String previous = null;
        for (int i = 0; i < manifest.files().size(); i++) {
            ManifestFile file = manifest.files().get(i);
            checkFile(file, i, manifest.pieceSize());
            if (previous != null) {
                int order = previous.compareTo(file.path());
                if (order == 0) {
                    throw new ManifestException("files must have unique paths: '" + file.path() + "' is listed twice");
                }
                if (order > 0) {
                    throw new ManifestException("files must be sorted by path: '" + file.path() + "' comes after '"
                            + previous + "'");
                }
            }
            previous = file.path();
        }
    }

    private static JsonNode readJson(byte[] json) throws ManifestException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new ManifestException("manifest is not UTF-8 text");
        }
        try {
            JsonNode root = READER.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new ManifestException("manifest is not JSON: it is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new ManifestException("manifest is not valid JSON: " + oneLine(e.getOriginalMessage()) + where);
        }
    }

    private static ManifestFile file(JsonNode node, int index, int pieceSize) throws ManifestException {
        String where = "files[" + index + "]";
        if (!node.isObject()) {
            throw new ManifestException(where + " must be an object, not " + describe(node));
        }
        checkFields(node, FILE_FIELDS, OPTIONAL_FILE_FIELDS, where);
        String path = string(node, "path", where);
        where = where + " ('" + path + "')";
        long size = integer(node, "size", where);
        String type = string(node, "type", where);
        String sha256 = string(node, "sha256", where);
        List<String> pieces = new ArrayList<>();
        JsonNode piecesNode = node.get("pieces");
        if (piecesNode != null) {
            if (size <= pieceSize) {
                throw new ManifestException(where + ": pieces must be absent when size (" + size
                        + ") is at most pieceSize (" + pieceSize + ")");
            }
            if (!piecesNode.isArray()) {
                throw new ManifestException(where + ": pieces must be an array, not " + describe(piecesNode));
            }
            for (JsonNode piece : piecesNode) {
                if (!piece.isTextual()) {
                    throw new ManifestException(where + ": each piece must be a string, not " + describe(piece));
                }
                pieces.add(piece.textValue());
            }
        }
        return new ManifestFile(path, size, type, sha256, pieces);
    }

    private static void checkFile(ManifestFile file, int index, int pieceSize) throws ManifestException {
        String where = "files[" + index + "] ('" + file.path() + "')";
        String pathProblem = SitePaths.problem(file.path());
        if (pathProblem != null) {
            throw new ManifestException(where + ": " + pathProblem);
        }
        if (file.size() < 0 || file.size() > Manifest.MAX_FILE_SIZE) {
            throw new ManifestException(where + ": size must be 0 ... " + Manifest.MAX_FILE_SIZE + ", not " + file.size());
        }
        String typeProblem = typeProblem(file.type());
        if (typeProblem != null) {
            throw new ManifestException(where + ": " + typeProblem);
        }
        if (Base64Url.decode(file.sha256(), Sha256.BYTES) == null) {
            throw new ManifestException(where + ": sha256 must be the unpadded base64url of 32 bytes ("
                    + Sha256.TEXT_LENGTH + " characters), not '" + abbreviate(file.sha256()) + "'");
        }
        long expected = ManifestFile.pieceCount(file.size(), pieceSize);
        if (file.pieces().size() != expected) {
            throw new ManifestException(where + ": a file of " + file.size() + " bytes in pieces of " + pieceSize
                    + " must list " + expected + " pieces, not " + file.pieces().size());
        }
        for (int p = 0; p < file.pieces().size(); p++) {
            if (Base64Url.decode(file.pieces().get(p), Sha256.BYTES) == null) {
                throw new ManifestException(where + ": pieces[" + p + "] must be the unpadded base64url of 32 bytes ("
                        + Sha256.TEXT_LENGTH + " characters), not '" + abbreviate(file.pieces().get(p)) + "'");
            }
        }
    }

    private static String typeProblem(String type) {
        if (type.isEmpty()) {
            return "type must not be empty";
        }
        if (type.length() > MAX_TYPE_LENGTH) {
            return "type is " + type.length() + " characters long, at most " + MAX_TYPE_LENGTH + " are allowed";
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "type must be printable ASCII, '" + abbreviate(type) + "' has character U+"
                        + String.format("%04X", (int) c);
            }
        }
        return null;
    }

    private static void checkPieceSize(long pieceSize) throws ManifestException {
        if (pieceSize < Manifest.MIN_PIECE_SIZE || pieceSize > Manifest.MAX_PIECE_SIZE || Long.bitCount(pieceSize) != 1) {
            throw new ManifestException("pieceSize must be a power of two from " + Manifest.MIN_PIECE_SIZE + " to "
                    + Manifest.MAX_PIECE_SIZE + ", not " + pieceSize);
        }
    }

    private static void checkFileCount(int count) throws ManifestException {
        if (count > Manifest.MAX_FILES) {
            throw new ManifestException("manifest lists " + count + " files, at most " + Manifest.MAX_FILES
                    + " are allowed");
        }
    }

    private static Instant publishedInstant(String text) throws ManifestException {
        String rule = "published must be an ISO-8601 UTC instant such as 2026-11-30T22:00:00Z, not '"
                + abbreviate(text) + "'";
        if (!INSTANT.matcher(text).matches()) {
            throw new ManifestException(rule);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ManifestException(rule);
        }
    }

    /** Refuses fields not in {@code allowed} and missing ones not in {@code optional}. */
    private static void checkFields(JsonNode object, List<String> allowed, Set<String> optional, String where)
            throws ManifestException {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ManifestException(where + " has an unknown field '" + abbreviate(name)
                        + "' (the fields are " + String.join(", ", allowed) + ")");
            }
        }
        for (String name : allowed) {
            if (!optional.contains(name) && !object.has(name)) {
                throw new ManifestException(where + " has no '" + name + "' field");
            }
        }
    }

    private static String string(JsonNode object, String name, String where) throws ManifestException {
        JsonNode node = object.get(name);
        if (!node.isTextual()) {
            throw new ManifestException(where + ": " + name + " must be a string, not " + describe(node));
        }
        return node.textValue();
    }

    private static long integer(JsonNode object, String name, String where) throws ManifestException {
        JsonNode node = object.get(name);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new ManifestException(where + ": " + name + " must be an integer (of at most 64 bits), not " + describe(node));
        }
        return node.longValue();
    }

    private static String describe(JsonNode node) {
        String text = node.isContainerNode() ? node.getNodeType().name().toLowerCase() : node.toString();
        return abbreviate(text);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
