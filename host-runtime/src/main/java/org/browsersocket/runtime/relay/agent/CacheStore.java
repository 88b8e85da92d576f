package org.browsersocket.runtime.relay.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The responses a relay keeps for its registrants' pages, on disk: per entry a body file and a
 * metadata file ({@link StoredResponse} as JSON), written aside and renamed into place, so that
 * what a restart finds is whole. The index lives in memory and is rebuilt from the metadata at
 * start, with the prefix-to-registrant association each entry carries. Space is bounded per
 * registrant, per entry and altogether, least recently used first out; the in-memory index is
 * bounded too. Thread-safe: one lock, held over small file operations only (opens, renames,
 * deletes); bodies are written outside it.
 */
public final class CacheStore {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");
    private static final String FORMAT = "v1";
    private static final int MAX_VARIANTS = 16;
    /** Bodies being written at once; a response beyond this is passed on without being stored. */
    private static final int MAX_WRITERS = 64;
    /** What one indexed entry costs in memory besides its metadata's characters. */
    private static final long INDEX_OVERHEAD = 256;
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** An entry and its open body, for one request to serve; the caller closes the body. */
    record Found(StoredResponse response, FileChannel body) {}

    private record Held(StoredResponse response, long metaBytes) {
        long disk() {
            return response.length() + metaBytes;
        }

        long memory() {
            return 2 * metaBytes + INDEX_OVERHEAD;
        }
    }

    private final Path dir;
    private final long bytesPerOwner;
    private final long bytes;
    private final long entryBytes;
    private final long indexBytes;
    private final LongSupplier clock;
    private final Map<String, Held> byId = new HashMap<>();
    /** Ids, least recently used first. */
    private final LinkedHashSet<String> recency = new LinkedHashSet<>();
    private final Map<String, List<String>> idsByKey = new HashMap<>();
    private final Map<String, Long> ownerBytes = new HashMap<>();
    /** prefix → registrant key hash, for prefixes routed now or with entries. */
    private final Map<String, String> owners = new HashMap<>();
    private final Map<String, Integer> entriesByPrefix = new HashMap<>();
    private final Set<String> routed = new HashSet<>();
    private long diskBytes;
    private long memoryBytes;
    private int writers;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong revalidations = new AtomicLong();

    private CacheStore(Path dir, long bytesPerOwner, long bytes, long entryBytes, LongSupplier clock) {
        this.dir = dir;
        this.bytesPerOwner = bytesPerOwner;
        this.bytes = bytes;
        this.entryBytes = Math.min(entryBytes, Math.min(bytesPerOwner, bytes));
        // The index is held in memory: a sixteenth of the disk space, within 1..64 MiB.
        this.indexBytes = Math.max(1L << 20, Math.min(64L << 20, bytes / 16));
        this.clock = clock;
    }

    /**
     * Opens (creating it if need be) the store in {@code dir} and loads what an earlier run left
     * there, dropping what is incomplete and what exceeds the limits now.
     */
    public static CacheStore open(Path dir, long bytesPerOwner, long bytes, long entryBytes) throws IOException {
        return open(dir, bytesPerOwner, bytes, entryBytes, System::currentTimeMillis);
    }

    static CacheStore open(Path dir, long bytesPerOwner, long bytes, long entryBytes, LongSupplier clock)
            throws IOException {
        CacheStore store = new CacheStore(dir.resolve(FORMAT), bytesPerOwner, bytes, entryBytes, clock);
        Files.createDirectories(store.dir);
        store.load();
        return store;
    }

    long now() {
        return clock.getAsLong();
    }

    /** The largest response kept (body and fields). */
    public long entryBytes() {
        return entryBytes;
    }

    // ---- what is stored ----

    /**
     * The stored response for {@code key} that may answer {@code request} (the newest, if several
     * variants match), with its body opened; null if none. It becomes the most recently used.
     */
    synchronized Found find(String key, HttpHeaders request) {
        Held best = null;
        for (String id : idsByKey.getOrDefault(key, List.of())) {
            Held held = byId.get(id);
            if (Variant.matches(held.response.variants(), request)
                    && (best == null || held.response.responseTime() > best.response.responseTime())) {
                best = held;
            }
        }
        if (best == null) {
            return null;
        }
        String id = best.response.id();
        try {
            FileChannel body = FileChannel.open(bodyFile(id), StandardOpenOption.READ);
            recency.remove(id);
            recency.add(id);
            try {
                Files.setLastModifiedTime(bodyFile(id), FileTime.fromMillis(now())); // the order after a restart
            } catch (IOException ignored) {
                // the order in memory is what counts until then
            }
            return new Found(best.response, body);
        } catch (IOException e) {
            LOG.warning("relay cache: entry " + id + " lost its body (" + e + "); dropped");
            remove(id);
            return null;
        }
    }

    /** The registrant a prefix belongs to (routed now, or with stored entries), or null. */
    public synchronized String ownerOf(String prefix) {
        return prefix == null ? null : owners.get(prefix);
    }

    /**
     * A registrant routes {@code prefix}: it owns what is stored there. If another registrant
     * owned it (another runtime with the same prefix), what that one stored goes.
     */
    public synchronized void routed(String prefix, String owner) {
        String before = owners.put(prefix, owner);
        if (before != null && !before.equals(owner)) {
            removeAll(prefix, null);
        }
        routed.add(prefix);
    }

    /** Nobody routes {@code prefix} now; it stays known while anything is stored for it. */
    public synchronized void unrouted(String prefix) {
        routed.remove(prefix);
        if (entriesByPrefix.getOrDefault(prefix, 0) == 0) {
            owners.remove(prefix);
        }
    }

    /** Drops every variant stored for {@code key} (an unsafe request changed it). Returns how many. */
    synchronized int invalidate(String key) {
        return removeAll(null, key);
    }

    /**
     * A registrant's page asks to forget what is stored at {@code prefix + path}, or everything
     * under {@code prefix} (path null). Returns how many entries went, or -1 if the prefix is
     * another registrant's (nothing goes).
     */
    public synchronized int purge(String owner, String prefix, String path) {
        String current = owners.get(prefix);
        if (current == null) {
            return 0;
        }
        if (!current.equals(owner)) {
            return -1;
        }
        return path == null ? removeAll(prefix, null) : removeAll(null, Publication.key(prefix, path));
    }

    /**
     * Replaces the fields and times of {@code stored} after a 304; returns the refreshed entry, or
     * null if it went meanwhile.
     */
    StoredResponse refresh(StoredResponse stored, HttpHeaders fields, long requestTime, long responseTime) {
        StoredResponse refreshed = stored.refreshed(fields, requestTime, responseTime);
        byte[] meta;
        try {
            meta = JSON.writeValueAsBytes(refreshed);
        } catch (IOException e) {
            return null;
        }
        synchronized (this) {
            Held old = byId.get(stored.id());
            if (old == null) {
                return null;
            }
            try {
                writeMeta(stored.id(), meta);
            } catch (IOException e) {
                LOG.warning("relay cache: cannot refresh " + stored.id() + ": " + e);
                remove(stored.id());
                return null;
            }
            Held updated = new Held(refreshed, meta.length);
            charge(old, -1);
            byId.put(stored.id(), updated);
            charge(updated, 1);
            return refreshed;
        }
    }

    // ---- writing ----

    /**
     * Starts storing a response for {@code key}, whose body is then written as it streams; null
     * when too many bodies are being written already or the prefix has no owner.
     */
    Writer begin(String key, String prefix, List<Variant> variants) {
        String owner;
        synchronized (this) {
            owner = owners.get(prefix);
            if (owner == null || writers >= MAX_WRITERS) {
                return null;
            }
            writers++;
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        try {
            FileChannel file = FileChannel.open(dir.resolve(id + ".body.tmp"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return new Writer(id, key, prefix, owner, variants, file);
        } catch (IOException e) {
            LOG.warning("relay cache: cannot write in " + dir + ": " + e);
            synchronized (this) {
                writers--;
            }
            return null;
        }
    }

    /** A body being stored. Used by one thread; ends with {@link #commit} or {@link #abandon}. */
    final class Writer {
        private final String id;
        private final String key;
        private final String prefix;
        private final String owner;
        private final List<Variant> variants;
        private FileChannel file;
        private long written;

        private Writer(String id, String key, String prefix, String owner, List<Variant> variants, FileChannel file) {
            this.id = id;
            this.key = key;
            this.prefix = prefix;
            this.owner = owner;
            this.variants = variants;
            this.file = file;
        }

        /** Appends {@code content} (its reader index untouched); false once abandoned (too large, or a disk error). */
        boolean write(ByteBuf content) {
            if (file == null) {
                return false;
            }
            written += content.readableBytes();
            if (written > entryBytes) {
                abandon();
                return false;
            }
            try {
                for (ByteBuffer buffer : content.nioBuffers(content.readerIndex(), content.readableBytes())) {
                    while (buffer.hasRemaining()) {
                        file.write(buffer);
                    }
                }
                return true;
            } catch (IOException e) {
                LOG.warning("relay cache: cannot write " + id + ": " + e);
                abandon();
                return false;
            }
        }

        /**
         * The body is complete: the response is stored (replacing what answered the same requests)
         * unless it does not fit. Returns the entry, or null.
         */
        StoredResponse commit(int status, List<List<String>> headers, long requestTime, long responseTime,
                              boolean published) {
            if (file == null) {
                return null;
            }
            try {
                file.close();
            } catch (IOException e) {
                abandon();
                return null;
            }
            file = null;
            StoredResponse response = new StoredResponse(id, key, prefix, owner, published ? List.of() : variants,
                    status, headers, written, requestTime, responseTime, published);
            byte[] meta;
            try {
                meta = JSON.writeValueAsBytes(response);
            } catch (IOException e) {
                deleteQuietly(dir.resolve(id + ".body.tmp"));
                release();
                return null;
            }
            Held held = new Held(response, meta.length);
            synchronized (CacheStore.this) {
                writers--;
                if (held.disk() > entryBytes || !owner.equals(owners.get(prefix))) {
                    deleteQuietly(dir.resolve(id + ".body.tmp"));
                    return null; // too large, or the prefix changed hands while the body came
                }
                try {
                    Files.move(dir.resolve(id + ".body.tmp"), bodyFile(id), StandardCopyOption.ATOMIC_MOVE);
                    writeMeta(id, meta);
                } catch (IOException e) {
                    LOG.warning("relay cache: cannot store " + id + ": " + e);
                    deleteQuietly(bodyFile(id));
                    deleteQuietly(dir.resolve(id + ".body.tmp"));
                    return null;
                }
                replacedBy(response);
                makeRoom(owner, held);
                add(held);
                return response;
            }
        }

        /** Nothing is stored; the partial body goes. */
        void abandon() {
            if (file == null) {
                return;
            }
            try {
                file.close();
            } catch (IOException ignored) {
                // deleted below anyway
            }
            file = null;
            deleteQuietly(dir.resolve(id + ".body.tmp"));
            release();
        }

        private void release() {
            synchronized (CacheStore.this) {
                writers--;
            }
        }
    }

    // ---- counts ----

    void hit() {
        hits.incrementAndGet();
    }

    void miss() {
        misses.incrementAndGet();
    }

    void revalidation() {
        revalidations.incrementAndGet();
    }

    public synchronized CacheStats stats() {
        return new CacheStats(hits.get(), misses.get(), revalidations.get(), byId.size(), diskBytes);
    }

    // ---- the index (callers hold the lock) ----

    /** Drops what {@code response} replaces: the same variant of its key, published ones, and the oldest beyond the variant cap. */
    private void replacedBy(StoredResponse response) {
        List<String> ids = List.copyOf(idsByKey.getOrDefault(response.key(), List.of()));
        for (String id : ids) {
            StoredResponse old = byId.get(id).response;
            if (response.published() || old.published() || old.variants().equals(response.variants())) {
                remove(id);
            }
        }
        List<String> left = idsByKey.getOrDefault(response.key(), List.of());
        while (left.size() >= MAX_VARIANTS) {
            String eldest = recency.stream().filter(left::contains).findFirst().orElseThrow();
            remove(eldest);
        }
    }

    /** Evicts the least recently used entries until {@code incoming} fits its owner's share and the whole. */
    private void makeRoom(String owner, Held incoming) {
        long over = ownerBytes.getOrDefault(owner, 0L) + incoming.disk() - bytesPerOwner;
        if (over > 0) {
            List<String> victims = new ArrayList<>();
            for (String id : recency) {
                if (over <= 0) {
                    break;
                }
                Held held = byId.get(id);
                if (held.response.owner().equals(owner)) {
                    victims.add(id);
                    over -= held.disk();
                }
            }
            victims.forEach(this::remove);
        }
        while ((diskBytes + incoming.disk() > bytes || memoryBytes + incoming.memory() > indexBytes)
                && !recency.isEmpty()) {
            remove(recency.iterator().next());
        }
    }

    private void add(Held held) {
        StoredResponse response = held.response;
        byId.put(response.id(), held);
        recency.add(response.id());
        idsByKey.computeIfAbsent(response.key(), k -> new ArrayList<>(1)).add(response.id());
        entriesByPrefix.merge(response.prefix(), 1, Integer::sum);
        owners.putIfAbsent(response.prefix(), response.owner());
        charge(held, 1);
    }

    private void charge(Held held, int sign) {
        diskBytes += sign * held.disk();
        memoryBytes += sign * held.memory();
        ownerBytes.merge(held.response.owner(), sign * held.disk(), Long::sum);
        if (ownerBytes.get(held.response.owner()) <= 0) {
            ownerBytes.remove(held.response.owner());
        }
    }

    private void remove(String id) {
        Held held = byId.remove(id);
        if (held == null) {
            return;
        }
        StoredResponse response = held.response;
        recency.remove(id);
        List<String> ids = idsByKey.get(response.key());
        ids.remove(id);
        if (ids.isEmpty()) {
            idsByKey.remove(response.key());
        }
        if (entriesByPrefix.merge(response.prefix(), -1, Integer::sum) <= 0) {
            entriesByPrefix.remove(response.prefix());
            if (!routed.contains(response.prefix())) {
                owners.remove(response.prefix());
            }
        }
        charge(held, -1);
        // Metadata first: a body without it is an orphan that the next start removes. A body being
        // served stays readable through its open channel.
        deleteQuietly(metaFile(id));
        deleteQuietly(bodyFile(id));
    }

    private int removeAll(String prefix, String key) {
        List<String> doomed = new ArrayList<>();
        if (key != null) {
            doomed.addAll(idsByKey.getOrDefault(key, List.of()));
        } else {
            byId.values().stream().filter(h -> h.response.prefix().equals(prefix)).forEach(h -> doomed.add(h.response.id()));
        }
        doomed.forEach(this::remove);
        return doomed.size();
    }

    // ---- files ----

    private Path bodyFile(String id) {
        return dir.resolve(id + ".body");
    }

    private Path metaFile(String id) {
        return dir.resolve(id + ".meta");
    }

    private void writeMeta(String id, byte[] meta) throws IOException {
        Path temporary = dir.resolve(id + ".meta.tmp");
        Files.write(temporary, meta);
        Files.move(temporary, metaFile(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void load() throws IOException {
        record Loaded(Held held, long used) {}
        List<Loaded> loaded = new ArrayList<>();
        Set<String> bodies = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    deleteQuietly(file); // a write cut short by the last stop
                } else if (name.endsWith(".body")) {
                    bodies.add(name.substring(0, name.length() - ".body".length()));
                } else if (name.endsWith(".meta")) {
                    String id = name.substring(0, name.length() - ".meta".length());
                    try {
                        byte[] meta = Files.readAllBytes(file);
                        StoredResponse response = JSON.readValue(meta, StoredResponse.class);
                        Path body = bodyFile(id);
                        if (!response.id().equals(id) || Files.size(body) != response.length()) {
                            throw new IOException("its body is missing or not whole");
                        }
                        loaded.add(new Loaded(new Held(response, meta.length), Files.getLastModifiedTime(body).toMillis()));
                    } catch (IOException | RuntimeException e) {
                        LOG.info("relay cache: dropping entry " + id + ": " + e.getMessage());
                        deleteQuietly(file);
                        deleteQuietly(bodyFile(id));
                    }
                }
            }
        }
        loaded.sort(Comparator.comparingLong(Loaded::used));
        for (Loaded entry : loaded) {
            Held held = entry.held;
            bodies.remove(held.response.id());
            if (held.disk() > entryBytes) { // the limits are smaller than when it was stored
                deleteQuietly(metaFile(held.response.id()));
                deleteQuietly(bodyFile(held.response.id()));
                continue;
            }
            replacedBy(held.response);
            makeRoom(held.response.owner(), held);
            add(held);
        }
        bodies.forEach(id -> deleteQuietly(bodyFile(id)));
        if (!byId.isEmpty()) {
            LOG.info("relay cache: " + byId.size() + " stored responses (" + (diskBytes >> 10) + " KiB) in " + dir);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException ignored) {
            // gone already
        } catch (IOException e) {
            LOG.fine("relay cache: cannot delete " + file + ": " + e);
        }
    }
}
