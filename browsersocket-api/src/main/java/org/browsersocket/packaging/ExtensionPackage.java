package org.browsersocket.packaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The BrowserSocket browser extension (Manifest V3), unpacked into a directory and zipped: the
 * files under {@code extension/} of this module plus {@code page-api.js}, the library bundled with
 * the extension's entry and the public port of the runtime it talks to.
 */
public final class ExtensionPackage {
    /** The extension's ID, fixed by the public key in its manifest. */
    public static final String ID = ScriptBundle.read("extension/EXTENSION_ID").trim();
    /** The name of the native-messaging host the extension connects to. */
    public static final String NATIVE_HOST = "org.browsersocket.runtime";
    /** The files of the extension besides {@code page-api.js}. */
    static final List<String> FILES = List.of("manifest.json", "service-worker.js", "content-bridge.js",
            "popup.html", "popup.js", "popup.css", "icon-16.png", "icon-48.png", "icon-128.png");
    private static final String CONFIG_MARKER = "/*@EXTENSION_CONFIG@*/";

    private ExtensionPackage() {}

    /**
     * Writes the unpacked extension into {@code dir} for a runtime whose public port is
     * {@code publicPort} (pages read it synchronously as {@code bs.port}).
     */
    public static Path writeUnpacked(Path dir, int publicPort) throws IOException {
        Files.createDirectories(dir);
        for (String file : FILES) {
            try (InputStream in = resource("extension/" + file)) {
                Files.copy(in, dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("publicPort", publicPort);
        config.put("listeners", 16);
        config.put("maxMessageBytes", 16 * 1024 * 1024);
        String bundle = ScriptBundle.EXTENSION.classicScript();
        int marker = bundle.indexOf(CONFIG_MARKER);
        int end = bundle.indexOf(';', marker);
        if (marker < 0 || end < 0) {
            throw new IllegalStateException("the extension's page script lacks its configuration marker");
        }
        bundle = bundle.substring(0, marker) + new ObjectMapper().writeValueAsString(config) + bundle.substring(end);
        Files.writeString(dir.resolve("page-api.js"), bundle);
        return dir;
    }

    /** Zips an unpacked extension directory (the form extension stores take). */
    public static void zip(Path unpacked, Path zipFile) throws IOException {
        try (OutputStream file = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(file);
             Stream<Path> files = Files.list(unpacked)) {
            for (Path path : files.sorted().toList()) {
                zip.putNextEntry(new ZipEntry(path.getFileName().toString()));
                Files.copy(path, zip);
                zip.closeEntry();
            }
        }
    }

    private static InputStream resource(String name) {
        InputStream in = ExtensionPackage.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("missing resource " + name));
        }
        return in;
    }
}
