package org.browsersocket.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Many live watches ({@code GET /v1/watch/{name}}) of one name, held by one thread over
 * non-blocking sockets, so a single process can hold thousands. It records, for each watcher, when
 * an awaited value first arrives.
 */
final class WatcherCrowd implements AutoCloseable {
    /** One watch stream: whether its head arrived, and the tail of what it read (a marker may straddle two reads). */
    private static final class Stream {
        boolean open;
        String tail = "";
        long heardAt;
    }

    private final Selector selector;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private int opened;
    private int failed;

    private WatcherCrowd(Selector selector) {
        this.selector = selector;
    }

    /** Opens {@code count} watches of {@code name} on 127.0.0.1:{@code port}, waiting until all are open or failed. */
    static WatcherCrowd open(int port, String name, int count, long timeoutMillis) throws IOException {
        WatcherCrowd crowd = new WatcherCrowd(Selector.open());
        byte[] request = ("GET /v1/watch/" + name + " HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(server); // blocking connect: loopback, quick
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            channel.register(crowd.selector, SelectionKey.OP_READ, new Stream());
            crowd.channels.add(channel);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (crowd.opened + crowd.failed < count && System.nanoTime() < deadline) {
            crowd.poll(null, deadline);
        }
        return crowd;
    }

    /** Watches whose stream started (200 and headers). */
    int opened() {
        return opened;
    }

    /** Watches refused or closed. */
    int failed() {
        return failed;
    }

    /**
     * Waits until every open watch has read {@code marker} (or the deadline passes) and records each
     * one's delay from {@code sentAtNanos} in microseconds; returns how many heard it.
     */
    int await(String marker, long sentAtNanos, long timeoutMillis, Histogram delaysMicros) throws IOException {
        for (SelectionKey key : selector.keys()) {
            ((Stream) key.attachment()).heardAt = 0;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int heard = 0;
        while (heard < opened && System.nanoTime() < deadline) {
            heard += poll(marker, deadline);
        }
        for (SelectionKey key : selector.keys()) {
            long at = ((Stream) key.attachment()).heardAt;
            if (at != 0) {
                delaysMicros.recordValue(Math.max(0, (at - sentAtNanos) / 1000));
            }
        }
        return heard;
    }

    /**
     * Each watcher's delay (microseconds) after the first one that heard the last awaited value:
     * the fan-out alone, without the put's own commit.
     */
    Histogram spread() {
        long first = Long.MAX_VALUE;
        for (SelectionKey key : selector.keys()) {
            long at = ((Stream) key.attachment()).heardAt;
            if (at != 0) {
                first = Math.min(first, at);
            }
        }
        Histogram spread = new Histogram(3);
        for (SelectionKey key : selector.keys()) {
            long at = ((Stream) key.attachment()).heardAt;
            if (at != 0) {
                spread.recordValue((at - first) / 1000);
            }
        }
        return spread;
    }

    /** Reads what is ready; returns how many streams read {@code marker} for the first time. */
    private int poll(String marker, long deadline) throws IOException {
        long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        if (selector.select(Math.min(waitMillis, 100)) == 0) {
            return 0;
        }
        long now = System.nanoTime();
        int heard = 0;
        for (SelectionKey key : selector.selectedKeys()) {
            Stream stream = (Stream) key.attachment();
            SocketChannel channel = (SocketChannel) key.channel();
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException reset) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                channel.close();
                if (stream.open) {
                    opened--;
                }
                failed++;
                continue;
            }
            String text = stream.tail + new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1);
            if (!stream.open) {
                if (text.startsWith("HTTP/1.1 200")) {
                    stream.open = true;
                    opened++;
                } else if (text.length() >= 12) {
                    key.cancel();
                    channel.close();
                    failed++;
                    continue;
                }
            }
            if (marker != null && stream.heardAt == 0 && text.contains(marker)) {
                stream.heardAt = now;
                heard++;
            }
            stream.tail = text.length() > 200 ? text.substring(text.length() - 200) : text;
        }
        selector.selectedKeys().clear();
        return heard;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel channel : channels) {
            channel.close();
        }
        selector.close();
    }
}
