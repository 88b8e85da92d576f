package org.browsersocket.runtime;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlCodec;
import org.browsersocket.runtime.consent.ConsentBook;
import org.browsersocket.runtime.consent.ConsentDesk;
import org.browsersocket.runtime.control.ControlServer;
import org.browsersocket.runtime.extension.NativeHostFile;
import org.browsersocket.runtime.limits.AcceptGate;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerAdmission;
import org.browsersocket.runtime.mapping.MappingStatus;
import org.browsersocket.runtime.mapping.PortMapper;
import org.browsersocket.runtime.relay.Listener;
import org.browsersocket.runtime.relay.PageSession;
import org.browsersocket.runtime.relay.PublicServer;
import org.browsersocket.runtime.routing.PrefixMinter;
import org.browsersocket.runtime.routing.Router;
import org.browsersocket.runtime.status.ConsentActions;
import org.browsersocket.runtime.status.StatusPage;

/**
 * A running host runtime: the loopback control endpoint and the public listener, sharing one
 * router. Start it with {@link #start}, stop it with {@link #close} (peers then see 1001).
 */
public final class HostRuntime implements AutoCloseable {
    private static final long UNCLAIMED_GRANT_MINUTES = 10;
    private static final int MAX_UNCLAIMED_GRANTS = 10_000;

    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("bs-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("bs-io", true));
    private final Set<PageSession> sessions = ConcurrentHashMap.newKeySet();
    private final RuntimeConfig config;
    private PublicServer publicServer;
    private ControlServer controlServer;
    private ConsentDesk consent;
    private MemoryBudget budget;
    private PeerAdmission admission;
    private AcceptGate acceptGate;
    private NativeHostFile nativeHost;
    private PortMapper portMapper;

    private HostRuntime(RuntimeConfig config) {
        this.config = config;
    }

    /** Binds both ports; throws (and releases everything) if either is busy. */
    public static HostRuntime start(RuntimeConfig config) throws Exception {
        HostRuntime runtime = new HostRuntime(config);
        try {
            Router<Listener> router = new Router<>(new PrefixMinter(), config.maxListenersPerPage(),
                    UNCLAIMED_GRANT_MINUTES, TimeUnit.MINUTES, MAX_UNCLAIMED_GRANTS);
            runtime.budget = new MemoryBudget(config.peerLimits().memoryBudgetBytes());
            runtime.admission = new PeerAdmission(config.peerLimits());
            runtime.acceptGate = new AcceptGate();
            runtime.publicServer = PublicServer.bind(runtime.boss, runtime.workers, router, config, runtime.acceptGate,
                    runtime.admission, runtime.budget);
            // The control port is bound before the consent desk exists, so that the desk and the
            // native-host file can name the port really chosen (0 = any free).
            ConsentBook book = new ConsentBook(config.configDir() == null ? null
                    : config.configDir().resolve("consent.json"), config.allowedOrigins());
            runtime.consent = new ConsentDesk(book, runtime.workers, config.consentTimeout(), "");
            PageSession.Context pages = new PageSession.Context(router, config, new ControlCodec(),
                    runtime.publicPort(), runtime.consent, runtime.budget);
            runtime.controlServer = ControlServer.bind(runtime.boss, runtime.workers, config.controlPort(), pages,
                    runtime.sessions, new StatusPage(runtime::limitsStatus), new ConsentActions(runtime.consent),
                    config.configDir() == null ? null : runtime.nativeHostFor(config));
            runtime.consent.pointAt(runtime.controlUrl() + "/");
            if (runtime.nativeHost != null) {
                runtime.nativeHost = new NativeHostFile("ws://127.0.0.1:" + runtime.controlPort() + "/control",
                        runtime.nativeHost.token());
                runtime.nativeHost.writeTo(config.configDir());
            }
            runtime.workers.scheduleAtFixedRate(() -> router.expireUnclaimed(System.nanoTime(), false),
                    1, 1, TimeUnit.MINUTES);
            if (config.reach().portMapping()) {
                runtime.portMapper = PortMapper.start(runtime.publicPort(), status -> { });
            }
            return runtime;
        } catch (Exception e) {
            runtime.close();
            throw e;
        }
    }

    /** The native host's token is made before the control port is known; its file is written after. */
    private NativeHostFile nativeHostFor(RuntimeConfig config) {
        nativeHost = NativeHostFile.create("ws://127.0.0.1:" + config.controlPort() + "/control");
        return nativeHost;
    }

    /** The bytes held for peers (messages arriving, messages peers are slow to read) against the budget. */
    public MemoryBudget memoryBudget() {
        return budget;
    }

    /** The public port's admission: connections open and shed. */
    public PeerAdmission admission() {
        return admission;
    }

    private StatusPage.LimitsStatus limitsStatus() {
        return new StatusPage.LimitsStatus(budget.limit(), budget.used(), admission.openCount(),
                admission.shedCount() + acceptGate.shedCount());
    }

    /** Pages waiting for the user, and the user's decisions. */
    public ConsentDesk consent() {
        return consent;
    }

    public InetSocketAddress controlAddress() {
        return controlServer.localAddress();
    }

    public int controlPort() {
        return controlServer.localAddress().getPort();
    }

    public int publicPort() {
        return publicServer.localAddress().getPort();
    }

    /** Base URL of the control endpoint, e.g. {@code http://127.0.0.1:7040}. */
    public String controlUrl() {
        return "http://127.0.0.1:" + controlPort();
    }

    /** One line per bound address, as printed on start-up. */
    public List<String> boundAddresses() {
        String control = "control  http://127.0.0.1:" + controlPort() + "/ (loopback only)";
        InetSocketAddress pub = publicServer.localAddress();
        if (pub.getAddress() instanceof Inet6Address) {
            return List.of(control,
                    "public   ws://0.0.0.0:" + pub.getPort() + "/ (IPv4)",
                    "public   ws://[::]:" + pub.getPort() + "/ (IPv6)");
        }
        return List.of(control, "public   ws://0.0.0.0:" + pub.getPort() + "/ (IPv4 only: IPv6 unavailable)");
    }

    /** What the gateway granted for the public port, or why nothing (off with --no-port-mapping). */
    public MappingStatus portMapping() {
        return portMapper == null ? MappingStatus.off() : portMapper.status();
    }

    /** Pages currently connected. */
    public Set<PageSession> sessions() {
        return Set.copyOf(sessions);
    }

    @Override
    public void close() {
        if (workers.isShuttingDown()) {
            return;
        }
        if (portMapper != null) {
            portMapper.close(); // deletes the gateway's mappings, within seconds
        }
        if (nativeHost != null) {
            nativeHost.removeFrom(config.configDir());
        }
        if (controlServer != null) {
            controlServer.close();
        }
        if (publicServer != null) {
            publicServer.close();
        }
        for (PageSession session : sessions) {
            session.pageGone();
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
