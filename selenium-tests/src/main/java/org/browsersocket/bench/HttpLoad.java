package org.browsersocket.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * HTTP/1.1 GET load with keep-alive, closed loop: {@code connections} connections on a few Netty
 * NIO event loops, each sending its next request as soon as the previous response has fully
 * arrived, for a warm-up and then a measured window. Bodies are counted, never kept or copied.
 *
 * <p>A request counts (and its latency is recorded, send to last byte) when it was sent at or
 * after the end of the warm-up and its response ended within the window, with status 200 and the
 * expected body length. Failures are counted over the whole run, warm-up included: responses of
 * another status or length, connections closed or reset with a request outstanding, requests
 * without a response for {@link #REQUEST_TIMEOUT}, and requests still outstanding
 * {@link #DRAIN} after the window. A connection the server closes is opened again, and a
 * connection that fails to open is retried; neither time is counted in any latency.
 */
public final class HttpLoad {
    /** Largest latency recorded (longer ones are recorded as this). */
    static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);
    /** A request without its whole response for this long fails and its connection is closed. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** After the window, how long the run waits for outstanding responses. */
    static final Duration DRAIN = Duration.ofSeconds(5);
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Longest warm-up plus window a run may ask for: every run is bounded. */
    static final Duration MAX_RUN = Duration.ofMinutes(10);

    private HttpLoad() {}

    /**
     * @param host          address to connect to (loopback in the benchmarks)
     * @param port          its port
     * @param path          request target (path and query) of the n-th request of the run, from 0
     * @param connections   concurrent connections, 1 to 1024
     * @param expectedBytes body length a counted response has
     * @param warmup        load before the window (not counted), may be zero
     * @param window        measured load, positive; warm-up plus window at most {@link #MAX_RUN}
     * @param threads       client event loops, 1 to 8
     */
    public record Config(String host, int port, LongFunction<String> path, int connections, int expectedBytes,
                         Duration warmup, Duration window, int threads) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            if (connections < 1 || connections > 1024) {
                throw new IllegalArgumentException("connections must be 1 to 1024, not " + connections);
            }
            if (threads < 1 || threads > 8) {
                throw new IllegalArgumentException("threads must be 1 to 8, not " + threads);
            }
            if (warmup.isNegative() || window.isNegative() || window.isZero()
                    || warmup.plus(window).compareTo(MAX_RUN) > 0) {
                throw new IllegalArgumentException("warm-up " + warmup + " and window " + window + ": the window must be"
                        + " positive and both together at most " + MAX_RUN);
            }
        }
    }

    /**
     * What one run measured.
     *
     * @param latencyMicros   send to last byte of each counted request, in microseconds
     * @param requests        counted requests (200, expected length, within the window)
     * @param seconds         the window's length
     * @param otherStatus     responses with a status other than 200
     * @param wrongLength     200 responses whose body was not the expected length
     * @param failed          requests whose connection closed or failed, or that timed out, before their response ended
     * @param unanswered      requests still outstanding {@link #DRAIN} after the window
     * @param connectFailures connection attempts that failed (each is retried while the run lasts)
     * @param reopened        connections opened again after the server closed one
     * @param sent            requests sent, warm-up included
     * @param clientCpuSeconds CPU time of the generator's event loops during the window
     */
    public record Result(Histogram latencyMicros, long requests, double seconds, long otherStatus, long wrongLength,
                         long failed, long unanswered, long connectFailures, long reopened, long sent,
                         double clientCpuSeconds) {
        public double requestsPerSecond() {
            return seconds > 0 ? requests / seconds : 0;
        }

        /** Everything that went wrong: other statuses, wrong lengths, failed and unanswered requests, failed connects. */
        public long failures() {
            return otherStatus + wrongLength + failed + unanswered + connectFailures;
        }
    }

    /** Told on the driving thread when the window opens and when it closes (e.g. to read CPU times). */
    public interface Window {
        Window NONE = new Window() { };

        default void opened() {}

        default void closed() {}
    }

    public static Result run(Config config) throws Exception {
        return run(config, Window.NONE);
    }

    /**
     * Runs the load; returns after the window, the drain and closing every connection.
     *
     * @throws ConnectException if none of the connections opened
     */
    public static Result run(Config config, Window window) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(config.threads(), new DefaultThreadFactory("http-load", true));
        Run run = new Run(config, group);
        try {
            run.open();
            long start = System.nanoTime();
            run.warmupEnd = start + config.warmup().toNanos();
            run.end = run.warmupEnd + config.window().toNanos();
            for (Slot slot : run.slots) {
                slot.loop().execute(slot::send);
            }
            sleepUntil(run.warmupEnd);
            long clientBefore = run.cpuNanos();
            window.opened();
            sleepUntil(run.end);
            window.closed();
            run.clientCpuNanos = run.cpuNanos() - clientBefore;
            long drainUntil = System.nanoTime() + DRAIN.toNanos();
            while (run.inFlight.get() > 0 && System.nanoTime() < drainUntil) {
                TimeUnit.MILLISECONDS.sleep(1); // polling interval while the last responses arrive
            }
            return run.collect();
        } finally {
            run.stopping = true;
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    /** One run: its connections' slots and the window. */
    private static final class Run {
        final Config config;
        final EventLoopGroup group;
        final Bootstrap bootstrap;
        final String hostHeader;
        final List<Slot> slots = new ArrayList<>();
        final AtomicLong sequence = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long warmupEnd = Long.MAX_VALUE;
        volatile long end = Long.MAX_VALUE;
        volatile boolean stopping;
        final List<Long> loopThreads = new ArrayList<>();
        long clientCpuNanos;

        Run(Config config, EventLoopGroup group) {
            this.config = config;
            this.group = group;
            this.hostHeader = config.host() + ":" + config.port();
            this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        }

        /** Opens every connection (at most {@link #CONNECT_TIMEOUT_MILLIS} each, all at once). */
        /** CPU time of the event loops' threads so far (0 where the JVM cannot tell). */
        long cpuNanos() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long total = 0;
            for (long id : loopThreads) {
                total += Math.max(0, threads.getThreadCpuTime(id));
            }
            return total;
        }

        void open() throws Exception {
            for (io.netty.util.concurrent.EventExecutor loop : group) { // each loop's thread, started now
                loopThreads.add(loop.submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS));
            }
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < config.connections(); i++) {
                Slot slot = new Slot(this, group.next());
                slots.add(slot);
                connects.add(slot.connect());
            }
            Throwable firstFailure = null;
            int opened = 0;
            for (ChannelFuture connect : connects) {
                connect.awaitUninterruptibly(CONNECT_TIMEOUT_MILLIS + 1000L);
                if (connect.isSuccess()) {
                    opened++;
                } else if (firstFailure == null) {
                    firstFailure = connect.cause();
                }
            }
            if (opened == 0) {
                ConnectException e = new ConnectException("none of " + config.connections() + " connections to "
                        + hostHeader + " opened");
                e.initCause(firstFailure);
                throw e;
            }
        }

        Result collect() throws Exception {
            stopping = true;
            Histogram latency = newHistogram();
            long requests = 0;
            long otherStatus = 0;
            long wrongLength = 0;
            long failed = 0;
            long unanswered = 0;
            long connectFailures = 0;
            long reopened = 0;
            for (Slot slot : slots) {
                // Read on the slot's own loop: its counters are only ever touched there.
                long[] counts = slot.loop().submit(() -> {
                    slot.closeQuietly();
                    latency.add(slot.latency);
                    return new long[] {slot.requests, slot.otherStatus, slot.wrongLength, slot.failed,
                            slot.inFlight ? 1 : 0, slot.connectFailures, slot.reopened};
                }).get(10, TimeUnit.SECONDS);
                requests += counts[0];
                otherStatus += counts[1];
                wrongLength += counts[2];
                failed += counts[3];
                unanswered += counts[4];
                connectFailures += counts[5];
                reopened += counts[6];
            }
            return new Result(latency, requests, config.window().toNanos() / 1e9, otherStatus, wrongLength, failed,
                    unanswered, connectFailures, reopened, sequence.get(), clientCpuNanos / 1e9);
        }
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_TRACKABLE_MICROS, 3);
    }

    /**
     * One of the run's connections, on one event loop, across the channels it may need (a
     * connection the server closed is opened again). Only that loop's thread touches its fields.
     */
    private static final class Slot {
        final Run run;
        final io.netty.channel.EventLoop loop;
        final Histogram latency = newHistogram();
        Channel channel;
        boolean inFlight;
        long sentAt;
        int status;
        long bodyBytes;
        boolean closeAfter;
        long requests;
        long otherStatus;
        long wrongLength;
        long failed;
        long connectFailures;
        long reopened;

        Slot(Run run, io.netty.channel.EventLoop loop) {
            this.run = run;
            this.loop = loop;
        }

        io.netty.channel.EventLoop loop() {
            return loop;
        }

        ChannelFuture connect() {
            ChannelFuture connect = run.bootstrap.clone(loop).handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new IdleStateHandler(REQUEST_TIMEOUT.toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                            new HttpClientCodec(), new Handler(Slot.this));
                }
            }).connect(run.config.host(), run.config.port());
            channel = connect.channel();
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    connectFailures++;
                    if (running()) { // try again shortly, while the run lasts
                        loop.schedule(this::reconnect, 100, TimeUnit.MILLISECONDS);
                    }
                }
            });
            return connect;
        }

        boolean running() {
            return !run.stopping && System.nanoTime() < run.end;
        }

        void reconnect() {
            if (!running()) {
                return;
            }
            connect().addListener(f -> {
                if (f.isSuccess()) {
                    send();
                }
            });
        }

        void send() {
            if (!running() || inFlight || !channel.isActive()) {
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    run.config.path().apply(run.sequence.getAndIncrement()), Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, run.hostHeader);
            inFlight = true;
            run.inFlight.incrementAndGet();
            status = 0;
            bodyBytes = 0;
            closeAfter = false;
            sentAt = System.nanoTime();
            channel.writeAndFlush(request, channel.voidPromise());
        }

        void head(HttpResponse response) {
            status = response.status().code();
            closeAfter = !HttpUtil.isKeepAlive(response);
        }

        void complete() {
            long now = System.nanoTime();
            inFlight = false;
            run.inFlight.decrementAndGet();
            if (status != 200) {
                otherStatus++;
            } else if (bodyBytes != run.config.expectedBytes()) {
                wrongLength++;
            } else if (sentAt >= run.warmupEnd && now <= run.end) {
                requests++;
                latency.recordValue(Math.max(1, Math.min(MAX_TRACKABLE_MICROS, (now - sentAt) / 1000)));
            }
            if (closeAfter) {
                channel.close(); // inactive: opened again
            } else {
                send();
            }
        }

        /** The channel closed: a request outstanding on it failed; while the run lasts, another channel takes over. */
        void closed(Channel which) {
            if (which != channel) {
                return;
            }
            if (inFlight) {
                inFlight = false;
                run.inFlight.decrementAndGet();
                if (!run.stopping) {
                    failed++;
                }
            }
            if (running()) {
                reopened++;
                reconnect();
            }
        }

        void closeQuietly() {
            if (channel != null) {
                channel.close();
            }
        }
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final Slot slot;

        Handler(Slot slot) {
            this.slot = slot;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (ctx.channel() != slot.channel || !slot.inFlight) {
                    return; // nothing was asked on this channel: ignored (and counted nowhere)
                }
                if (msg instanceof HttpResponse response) {
                    slot.head(response);
                }
                if (msg instanceof HttpContent content) {
                    slot.bodyBytes += content.content().readableBytes();
                    if (content instanceof LastHttpContent) {
                        slot.complete();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE && slot.inFlight) {
                ctx.close(); // timed out: counted as failed when the channel is inactive
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            slot.closed(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
