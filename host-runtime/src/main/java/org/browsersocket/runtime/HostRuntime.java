package org.browsersocket.runtime;

import io.netty.channel.EventLoopGroup;
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
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.publicport.PublicServer;
import org.browsersocket.runtime.reachability.Candidates;
import org.browsersocket.runtime.relay.RelayEndpoints;
import org.browsersocket.runtime.relay.RelayHub;
import org.browsersocket.runtime.relay.link.RelayLink;
import org.browsersocket.runtime.relay.link.RelayLinks;
import org.browsersocket.runtime.status.ReachabilityStatus;
import org.browsersocket.runtime.status.RuntimeFacts;
import org.browsersocket.runtime.activity.ActivityLog;
import org.browsersocket.runtime.tls.TlsContexts;
import org.browsersocket.runtime.mapping.Mapping;
import org.browsersocket.runtime.mapping.MappingStatus;
import org.browsersocket.runtime.mapping.PortMapper;
import org.browsersocket.runtime.routing.NamedPrefixes;
import org.browsersocket.runtime.routing.PrefixMinter;
import org.browsersocket.runtime.page.Agents;
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
    /** The runtime's version, as {@code -V} prints it. */
    private static final String VERSION = java.util.Objects.requireNonNullElse(
            org.browsersocket.cli.ReleaseVersion.number("host-runtime"), "unknown (unpackaged build)");

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("browsersocket.runtime");

    private final Transport transport;
    /** Accepts on the public and control ports: its own thread, so that accepting never waits for I/O. */
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Set<PageSession> sessions = ConcurrentHashMap.newKeySet();
    private final RuntimeConfig config;
    private PublicServer publicServer;
    private ControlServer controlServer;
    private ConsentDesk consent;
    private MemoryBudget budget;
    private PeerAdmission admission;
    private AcceptGate acceptGate;
    private NativeHostFile nativeHost;
    private RelayHub relayHub;
    private RelayLinks relayLinks;
    private Candidates candidates;
    private PortMapper portMapper;
    private final ActivityLog activity = new ActivityLog();
    private final long startedAt = System.currentTimeMillis();

    private HostRuntime(RuntimeConfig config) {
        this.config = config;
        this.transport = Transport.of(config.io().transport());
        this.boss = transport.newGroup(1, "bs-accept");
        this.workers = transport.newGroup(config.io().threads(), "bs-io");
        java.util.logging.Level level = config.io().transport() == Transport.Kind.AUTO && transport.name().equals("nio")
                ? java.util.logging.Level.INFO : java.util.logging.Level.FINE; // a fallback is news; the usual is not
        LOG.log(level, "network I/O: " + transport.name() + " (" + transport.reason() + "), " + config.io().threads()
                + " event-loop thread" + (config.io().threads() == 1 ? "" : "s"));
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
            ReachabilityConfig reach = config.reach();
            RelayEndpoints relay = null;
            if (reach.relay()) {
                runtime.relayHub = new RelayHub(reach.relayToken(), reach.relayLimits(), runtime.admission);
                relay = new RelayEndpoints(runtime.relayHub, config.peerWaitMillis());
            }
            runtime.publicServer = PublicServer.bind(runtime.transport, runtime.boss, runtime.workers, router, config, runtime.acceptGate,
                    runtime.admission, runtime.budget, reach.tls() ? TlsContexts.server(reach.tlsCert(), reach.tlsKey()) : null,
                    relay);
            runtime.candidates = new Candidates(runtime.publicPort(), reach.tls(),
                    message -> runtime.sessions.forEach(session -> session.reachabilityChanged(message)));
            // The control port is bound before the consent desk exists, so that the desk and the
            // native-host file can name the port really chosen (0 = any free).
            ConsentBook book = new ConsentBook(config.configDir() == null ? null
                    : config.configDir().resolve("consent.json"), config.allowedOrigins());
            runtime.consent = new ConsentDesk(book, runtime.workers, config.consentTimeout(), "");
            NamedPrefixes named = NamedPrefixes.load(config.configDir() == null ? null
                    : config.configDir().resolve("named-listeners.json"), new PrefixMinter());
            // Before the pages' context: the relays are their agents.
            if (!reach.viaRelays().isEmpty()) {
                boolean anySecure = reach.viaRelays().stream().anyMatch(uri -> "wss".equals(uri.getScheme()));
                runtime.relayLinks = new RelayLinks(reach.viaRelays(), reach.relayToken(), runtime.transport, runtime.workers,
                        anySecure ? TlsContexts.client(reach.relayTrust()) : null, router, runtime.publicServer,
                        runtime.candidates::refresh);
                runtime.candidates.add(runtime::relayCandidates);
            }
            PageSession.Context pages = new PageSession.Context(router, config, new ControlCodec(),
                    runtime.publicPort(), runtime.consent, runtime.budget, runtime.candidates::message, runtime.activity,
                    runtime.relayLinks != null ? runtime.relayLinks : Agents.NONE, named);
            StatusPage statusPage = new StatusPage(runtime::limitsStatus, runtime::reachabilityStatus, runtime::facts,
                    runtime.activity);
            runtime.controlServer = ControlServer.bind(runtime.transport, runtime.boss, runtime.workers, config.controlPort(), pages,
                    runtime.sessions, statusPage, new ConsentActions(runtime.consent),
                    config.configDir() == null ? null : runtime.nativeHostFor(config));
            statusPage.start(runtime.workers.next(), runtime.sessions);
            runtime.consent.pointAt(runtime.controlUrl() + "/");
            if (runtime.nativeHost != null) {
                runtime.nativeHost = new NativeHostFile("ws://127.0.0.1:" + runtime.controlPort() + "/control",
                        runtime.nativeHost.token());
                runtime.nativeHost.writeTo(config.configDir());
            }
            runtime.workers.scheduleAtFixedRate(() -> router.expireUnclaimed(System.nanoTime(), false),
                    1, 1, TimeUnit.MINUTES);
            if (reach.portMapping()) {
                runtime.portMapper = PortMapper.start(runtime.publicPort(), status -> runtime.candidates.refresh());
                runtime.candidates.add(runtime::mappedCandidates);
            }
            // Addresses come and go (a laptop changes networks, a Teredo tunnel comes up).
            runtime.workers.scheduleAtFixedRate(runtime.candidates::refresh, 30, 30, TimeUnit.SECONDS);
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

    /** The transport the runtime's sockets use. */
    public Transport transport() {
        return transport;
    }

    /** The public port's admission: connections open and shed. */
    public PeerAdmission admission() {
        return admission;
    }

    private StatusPage.LimitsStatus limitsStatus() {
        return new StatusPage.LimitsStatus(budget.limit(), budget.used(), admission.openCount(),
                admission.shedCount() + acceptGate.shedCount());
    }

    /** What the runtime is and how it is set up, for the status page. */
    private RuntimeFacts facts() {
        return RuntimeFacts.of(config, VERSION, controlUrl(), publicPort(), startedAt);
    }

    private List<org.browsersocket.protocol.ControlMessage.Candidate> relayCandidates() {
        return relayLinks.links().stream().filter(RelayLink::registered)
                .map(link -> new org.browsersocket.protocol.ControlMessage.Candidate("relay", link.relay().family(),
                        link.relay().base(), "through the relay at " + link.relay().base()))
                .toList();
    }

    private List<org.browsersocket.protocol.ControlMessage.Candidate> mappedCandidates() {
        String scheme = config.reach().tls() ? "wss://" : "ws://";
        return portMapper.status().mappings().stream()
                .map(m -> new org.browsersocket.protocol.ControlMessage.Candidate(m.family() == 6 ? "ipv6" : "mapped",
                        m.family(), scheme + (m.family() == 6 ? "[" + m.externalAddress() + "]" : m.externalAddress())
                        + ":" + m.externalPort(), m.describe()))
                .toList();
    }

    /** How other networks reach this runtime, as the status page shows it. */
    public ReachabilityStatus reachabilityStatus() {
        List<RelayLink.Status> relays = relayLinks == null ? List.of()
                : relayLinks.links().stream().map(RelayLink::status).toList();
        ReachabilityStatus.RelayServed served = relayHub == null ? null
                : new ReachabilityStatus.RelayServed(!relayHub.isPrivate(), relayHub.registrants().stream()
                        .map(r -> new ReachabilityStatus.RegistrantStatus(r.name(), r.connected(), r.since().toString(),
                                r.routeCount(), r.connectionCount(), r.relayedPeers(), r.relayedBytes()))
                        .toList());
        MappingStatus mapping = portMapping();
        ReachabilityStatus.PortMappingStatus mappingStatus = new ReachabilityStatus.PortMappingStatus(
                mapping.state().name().toLowerCase(), mapping.reason(), mapping.mappings().stream()
                .map(m -> new ReachabilityStatus.MappingView(m.protocol(), m.family(), m.externalAddress(), m.externalPort(),
                        m.internalPort(), m.lifetimeSeconds(), m.expires() == null ? null : m.expires().toString(), m.gateway()))
                .toList());
        return new ReachabilityStatus(candidates.current(), mappingStatus, relays, served);
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
        String scheme = config.reach().tls() ? "wss" : "ws";
        if (pub.getAddress() instanceof Inet6Address) {
            return List.of(control,
                    "public   " + scheme + "://0.0.0.0:" + pub.getPort() + "/ (IPv4)",
                    "public   " + scheme + "://[::]:" + pub.getPort() + "/ (IPv6)");
        }
        return List.of(control, "public   " + scheme + "://0.0.0.0:" + pub.getPort() + "/ (IPv4 only: IPv6 unavailable)");
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
        if (relayLinks != null) {
            relayLinks.close();
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
