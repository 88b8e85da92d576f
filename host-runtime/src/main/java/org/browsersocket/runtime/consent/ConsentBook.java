package org.browsersocket.runtime.consent;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The user's standing decisions about origins: allowed and denied ones, kept in a small JSON file
 * ({@code consent.json} in the runtime's configuration directory) so they outlive the runtime,
 * plus the origins allowed on the command line ({@code --allow-origin}, never written to the file).
 * Thread-safe; each change rewrites the file atomically.
 */
public final class ConsentBook {
    /** An origin's standing: allowed, denied, or not yet asked. */
    public enum Standing { ALLOWED, DENIED, UNKNOWN }

    /** The decisions as listed on the status page. */
    public record Entries(List<String> allowed, List<String> denied, List<String> allowedByFlag) {}

    private static final Logger LOG = Logger.getLogger("browsersocket.consent");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** More origins than any user decides on by hand; keeps a file of decisions small. */
    static final int MAX_DECISIONS = 1_000;

    private final Path file;
    private final Set<String> byFlag;
    private final Set<String> allowed = new TreeSet<>();
    private final Set<String> denied = new TreeSet<>();

    /**
     * @param file    where decisions persist; null keeps them in memory only
     * @param byFlag  origins allowed by {@code --allow-origin}
     */
    public ConsentBook(Path file, Collection<String> byFlag) throws IOException {
        this.file = file;
        this.byFlag = Set.copyOf(byFlag.stream().map(ConsentBook::normalize).toList());
        if (file != null && Files.exists(file)) {
            load();
        }
    }

    public synchronized Standing standing(String origin) {
        if (origin == null) {
            return Standing.DENIED;
        }
        String o = normalize(origin);
        if (byFlag.contains(o) || allowed.contains(o)) {
            return Standing.ALLOWED;
        }
        return denied.contains(o) ? Standing.DENIED : Standing.UNKNOWN;
    }

    /** Records a standing decision (ALLOW or DENY; ONCE is not recorded). */
    public synchronized void record(String origin, Decision decision) throws IOException {
        String o = normalize(origin);
        if (decision == Decision.ONCE) {
            return;
        }
        if (allowed.size() + denied.size() >= MAX_DECISIONS && !allowed.contains(o) && !denied.contains(o)) {
            throw new IOException("too many recorded decisions (" + MAX_DECISIONS + "); revoke some first");
        }
        allowed.remove(o);
        denied.remove(o);
        (decision == Decision.ALLOW ? allowed : denied).add(o);
        save();
    }

    /** Forgets the decision about an origin; true if there was one. */
    public synchronized boolean revoke(String origin) throws IOException {
        String o = normalize(origin);
        boolean had = allowed.remove(o) | denied.remove(o);
        if (had) {
            save();
        }
        return had;
    }

    public synchronized Entries entries() {
        return new Entries(List.copyOf(allowed), List.copyOf(denied), byFlag.stream().sorted().toList());
    }

    /** The file decisions persist in, or null. */
    public Path file() {
        return file;
    }

    /** Origins compare case-insensitively and without a trailing slash. */
    public static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private void load() throws IOException {
        Map<?, ?> saved;
        try {
            saved = JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new IOException("cannot read the consent file " + file + ": " + e.getMessage()
                    + " (fix or delete it)", e);
        }
        addAll(saved.get("allowed"), allowed);
        addAll(saved.get("denied"), denied);
        LOG.info("consent decisions from " + file + ": " + allowed.size() + " allowed, " + denied.size() + " denied");
    }

    private static void addAll(Object list, Set<String> into) {
        if (list instanceof List<?> origins) {
            origins.stream().filter(String.class::isInstance).map(o -> normalize((String) o))
                    .filter(Origins::isOrigin).limit(MAX_DECISIONS).forEach(into::add);
        }
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "consent", ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), Map.of(
                    "allowed", List.copyOf(allowed), "denied", List.copyOf(denied)));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
