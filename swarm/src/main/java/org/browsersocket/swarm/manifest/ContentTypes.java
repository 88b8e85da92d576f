package org.browsersocket.swarm.manifest;

import java.util.Locale;
import java.util.Map;

/**
 * The Content-Type a peer serves a file with, from its extension; text types say
 * {@code charset=utf-8}. Unknown extensions are {@link #DEFAULT}.
 */
public final class ContentTypes {

    /** The type of a file whose extension is not known. */
    public static final String DEFAULT = "application/octet-stream";

    private static final String TEXT = "; charset=utf-8";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + TEXT),
            Map.entry("htm", "text/html" + TEXT),
            Map.entry("js", "text/javascript" + TEXT),
            Map.entry("mjs", "text/javascript" + TEXT),
            Map.entry("css", "text/css" + TEXT),
            Map.entry("json", "application/json" + TEXT),
            Map.entry("map", "application/json" + TEXT),
            Map.entry("webmanifest", "application/manifest+json" + TEXT),
            Map.entry("txt", "text/plain" + TEXT),
            Map.entry("md", "text/markdown" + TEXT),
            Map.entry("csv", "text/csv" + TEXT),
            Map.entry("xml", "application/xml" + TEXT),
            Map.entry("svg", "image/svg+xml" + TEXT),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("bin", "application/octet-stream"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("oga", "audio/ogg"),
            Map.entry("opus", "audio/ogg"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("flac", "audio/flac"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("ogv", "video/ogg"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"));

    private ContentTypes() {
    }

    /** The type of the file at {@code path} (only its last segment's extension counts, in any case). */
    public static String forPath(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot <= 0) { // no extension, or a dot-file such as .htaccess
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
