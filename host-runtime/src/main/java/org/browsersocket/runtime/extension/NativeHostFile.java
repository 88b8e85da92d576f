package org.browsersocket.runtime.extension;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * How the extension's native-messaging host finds and proves itself to the running runtime:
 * {@code native-host.json} in the runtime's configuration directory, readable by the user only,
 * holds the control URL and a token the runtime made at start. Browsers cannot read files, so a
 * channel that presents the token comes from a program of the user's (the native host), never
 * from a web page.
 *
 * @param control the control channel URL, e.g. {@code ws://127.0.0.1:7040/control}
 * @param token   the secret the native host presents in {@link #TOKEN_HEADER}
 */
public record NativeHostFile(String control, String token) {
    public static final String FILE_NAME = "native-host.json";
    /** Request header carrying the token on the native host's control channels. */
    public static final String TOKEN_HEADER = "X-BrowserSocket-Native-Token";
    /** Request header naming the page's origin, as the extension learned it from the browser. */
    public static final String ORIGIN_HEADER = "X-BrowserSocket-Page-Origin";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fresh token for a runtime whose control channels are at {@code control}. */
    public static NativeHostFile create(String control) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new NativeHostFile(control, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Whether {@code presented} is this file's token (compared in constant time). */
    public boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(), token.getBytes());
    }

    /** Writes the file into {@code dir}, readable and writable by the user only. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "native-host", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            JSON.writeValue(temp.toFile(), Map.of("control", control, "token", token));
            Files.move(temp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Removes the file from {@code dir} if it is still this runtime's. */
    public void removeFrom(Path dir) {
        try {
            NativeHostFile current = readFrom(dir);
            if (current != null && current.token.equals(token)) {
                Files.deleteIfExists(dir.resolve(FILE_NAME));
            }
        } catch (IOException ignored) {
            // nothing to remove
        }
    }

    /** The file in {@code dir}, or null when no runtime wrote one (none is running). */
    public static NativeHostFile readFrom(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        Map<?, ?> map = JSON.readValue(file.toFile(), Map.class);
        if (!(map.get("control") instanceof String control) || !(map.get("token") instanceof String token)) {
            throw new IOException(file + " is malformed");
        }
        return new NativeHostFile(control, token);
    }
}
