package org.browsersocket.runtime.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Sits on the public port's listening channel and stops accepting before the process runs out of
 * file descriptors: below {@link #RESERVE} free descriptors a newly accepted connection is closed at
 * once and accepting pauses (new connections wait in the kernel's backlog) until twice the reserve
 * is free again. The loopback control endpoint (pages, the status page) thus always has
 * descriptors. Free descriptors are counted every 100 ms near the reserve, every second far from it;
 * accepts in between are subtracted.
 */
public final class AcceptGate extends ChannelInboundHandlerAdapter {
    /** File descriptors kept free for the control endpoint, pages and the runtime's own files. */
    static final long RESERVE = 128;
    private static final long MEASURE_MILLIS = 100;
    /** Free descriptors beyond which counting them once a second is enough. */
    static final long FAR_FROM_RESERVE = 8 * RESERVE;
    private static final long SPARSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = Logger.getLogger("browsersocket.public");

    private final FileDescriptors descriptors = new FileDescriptors();
    private final AtomicLong shed = new AtomicLong();
    private ScheduledFuture<?> measuring;
    private long free = Long.MAX_VALUE;
    private long acceptedSinceMeasure;
    private long measuredAt;
    private boolean paused;

    /** Connections closed at accept for want of descriptors. */
    public long shedCount() {
        return shed.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        measure(ctx);
        measuring = ctx.executor().scheduleAtFixedRate(() -> measure(ctx), MEASURE_MILLIS, MEASURE_MILLIS,
                TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (measuring != null) {
            measuring.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (free - acceptedSinceMeasure < RESERVE) {
            child.unsafe().closeForcibly();
            shed.incrementAndGet();
            pause(ctx, "fewer than " + RESERVE + " file descriptors are free");
            return;
        }
        acceptedSinceMeasure++;
        ctx.fireChannelRead(child);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Accepting failed (the descriptors ran out after all, or the system's limit): pause too.
        pause(ctx, "accepting failed: " + cause.getMessage());
    }

    private void measure(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        // Counting lists every open descriptor, on the accepting thread: with tens of thousands of
        // peers that is milliseconds each time. Far from the reserve (accepts since the last count
        // are subtracted; other descriptors open slowly) once a second is enough.
        if (!paused && free - acceptedSinceMeasure > FAR_FROM_RESERVE && now - measuredAt < SPARSE_NANOS) {
            return;
        }
        measuredAt = now;
        free = descriptors.free();
        acceptedSinceMeasure = 0;
        if (paused && free >= 2 * RESERVE) {
            paused = false;
            ctx.channel().config().setAutoRead(true);
            LOG.info("accepting public connections again (" + free + " file descriptors free)");
        }
    }

    private void pause(ChannelHandlerContext ctx, String why) {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            LOG.warning("shedding new public connections: the runtime is short of file descriptors (" + why
                    + "); " + shed.get() + " shed so far");
        }
    }
}
