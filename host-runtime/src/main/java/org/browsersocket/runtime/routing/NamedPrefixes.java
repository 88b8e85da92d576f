package org.browsersocket.runtime.routing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The prefixes of named listeners ({@code new BrowserSocket(factory, {name: 'notes'})}): one per
 * origin and name, minted on first use and the same on every later visit, so that what a page
 * serves keeps its address across reloads (and its relays can keep serving it while the page is
 * closed). Kept in a file of the configuration directory (readable by its owner only: prefixes are
 * capabilities), or in memory when there is none.
 */
public final class NamedPrefixes {
    private static final Logger LOG = Logger.getLogger("browsersocket.routing");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Names one origin may hold. */
    public static final int MAX_PER_ORIGIN = 16;
    /** Names altogether. */
    public static final int MAX_NAMES = 10_000;

    private final Path file;
    private final PrefixMinter minter;
    private final Map<String, String> prefixes; // "origin name" -> prefix
    private final ObjectMapper json = new ObjectMapper();

    private NamedPrefixes(Path file, PrefixMinter minter, Map<String, String> prefixes) {
        this.file = file;
        this.minter = minter;
        this.prefixes = prefixes;
    }

    /** Loads the names kept in {@code file} (null: in memory only). A damaged file is set aside, not trusted. */
    public static NamedPrefixes load(Path file, PrefixMinter minter) {
        Map<String, String> known = new LinkedHashMap<>();
        if (file != null && Files.isRegularFile(file)) {
            try {
                Map<String, String> read = new ObjectMapper().readValue(file.toFile(), new TypeReference<>() {});
                read.forEach((key, prefix) -> {
                    if (PrefixMinter.isWellFormed(prefix) && known.size() < MAX_NAMES) {
                        known.put(key, prefix);
                    }
                });
            } catch (IOException e) {
                LOG.warning("ignoring the damaged list of named listeners " + file + ": " + e.getMessage());
            }
        }
        return new NamedPrefixes(file, minter, known);
    }

    /** Whether {@code name} may name a listener: 1 to 64 letters, digits, '.', '_' or '-'. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The prefix of {@code origin}'s listener called {@code name}; null when the origin (or the runtime) holds too many names. */
    public synchronized String prefixFor(String origin, String name) {
        String key = origin + " " + name;
        String prefix = prefixes.get(key);
        if (prefix != null) {
            return prefix;
        }
        long ofOrigin = prefixes.keySet().stream().filter(k -> k.startsWith(origin + " ")).count();
        if (ofOrigin >= MAX_PER_ORIGIN || prefixes.size() >= MAX_NAMES) {
            return null;
        }
        prefix = minter.mintPrefix();
        prefixes.put(key, prefix);
        save();
        return prefix;
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            json.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), prefixes);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning("could not keep the named listeners in " + file + " (they last until the runtime stops): " + e.getMessage());
        }
    }
}
