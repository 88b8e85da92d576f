package org.browsersocket.runtime.mapping;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Asks the gateway to forward the public port: PCP first, then NAT-PMP, then UPnP-IGD; also an
 * IPv6 firewall pinhole where the host has a global IPv6 address and the router offers one (PCP,
 * or UPnP's WANIPv6FirewallControl). Mappings are renewed at half their lifetime and requested
 * anew when a renewal fails or the gateway shows it forgot them; {@link #close} deletes them.
 * All of it runs on one daemon thread of its own, never on an I/O thread.
 */
public final class PortMapper implements AutoCloseable {
    static final long REQUESTED_LIFETIME_SECONDS = 7200;
    /** For experiments: restricts the protocols tried, e.g. {@code -Dbrowsersocket.portMapping.protocols=upnp}. */
    static final String PROTOCOLS_PROPERTY = "browsersocket.portMapping.protocols";
    private static final Logger LOG = Logger.getLogger("browsersocket.mapping");
    private static final long CLOSE_MILLIS = 4_000;

    /** The ways of asking a gateway. */
    enum Protocol { PCP, NAT_PMP, UPNP }

    /**
     * Where and how to ask.
     *
     * @param gateway4      the IPv4 gateway (null: none)
     * @param router6       the IPv6 router, asked for a pinhole over PCP (null: none)
     * @param global6       the host's global IPv6 address to open a pinhole to (null: no pinhole)
     * @param upnpInterface the interface UPnP searches and talks on, the default route's (null: no UPnP)
     * @param serverPort    the PCP/NAT-PMP port (5351)
     * @param protocols     the protocols tried
     * @param udpBudgetMillis  how long PCP or NAT-PMP may go unanswered
     * @param upnpBudgetMillis how long the UPnP search may last (half of it when nothing answers)
     * @param lifetimeSeconds  the lifetime asked for
     * @param retryMillis   when to look again after nothing was found or granted
     */
    record Settings(InetAddress gateway4, InetAddress router6, Inet6Address global6, String upnpInterface, int serverPort,
                    Set<Protocol> protocols, long udpBudgetMillis, long upnpBudgetMillis, long lifetimeSeconds,
                    long retryMillis) {
        Settings {
            protocols = protocols.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(protocols));
        }

        /** This host's gateways, from its routing tables. */
        static Settings ofThisHost(Set<Protocol> protocols) {
            return new Settings(Gateways.defaultIpv4().orElse(null), Gateways.defaultIpv6().orElse(null),
                    Gateways.globalIpv6().orElse(null), Gateways.defaultInterface().orElse(null), 5351, protocols,
                    2_000, 10_000, REQUESTED_LIFETIME_SECONDS,
                    TimeUnit.MINUTES.toMillis(10));
        }
    }

    private final int publicPort;
    private final Settings settings;
    private final Consumer<MappingStatus> listener;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bs-port-mapping");
        t.setDaemon(true);
        return t;
    });
    private final List<Lease> leases = new ArrayList<>();
    private volatile MappingStatus status = new MappingStatus(MappingStatus.State.SEARCHING, List.of(),
            "asking the gateway to map the public port");
    private volatile boolean closed;
    private UpnpIgdClient upnp;
    private UpnpIgdClient.Gateway upnpGateway;
    private ScheduledFuture<?> next;

    private PortMapper(int publicPort, Settings settings, Consumer<MappingStatus> listener) {
        this.publicPort = publicPort;
        this.settings = settings;
        this.listener = listener;
    }

    /**
     * Starts asking this host's gateway to map TCP {@code publicPort}; returns at once.
     * {@code listener} hears every change of {@link #status()} (on the mapper's thread).
     */
    public static PortMapper start(int publicPort, Consumer<MappingStatus> listener) {
        return start(publicPort, Settings.ofThisHost(protocolsFrom(System.getProperty(PROTOCOLS_PROPERTY))), listener);
    }

    static PortMapper start(int publicPort, Settings settings, Consumer<MappingStatus> listener) {
        PortMapper mapper = new PortMapper(publicPort, settings, listener);
        mapper.executor.execute(mapper::map);
        return mapper;
    }

    /** "pcp,upnp" → those protocols; null or blank → all. */
    static Set<Protocol> protocolsFrom(String list) {
        if (list == null || list.isBlank()) {
            return EnumSet.allOf(Protocol.class);
        }
        EnumSet<Protocol> chosen = EnumSet.noneOf(Protocol.class);
        for (String name : list.split(",")) {
            chosen.add(Protocol.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return chosen;
    }

    /** What was got, or why nothing was. */
    public MappingStatus status() {
        return status;
    }

    /** Requests every mapping (IPv4, then the IPv6 pinhole) and publishes the outcome. */
    private void map() {
        if (closed) {
            return;
        }
        List<String> refusals = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<Lease> v4 = mapIpv4(refusals);
        v4.ifPresent(leases::add);
        if (settings.global6() != null && !closed) {
            try {
                pinhole(notes).ifPresent(leases::add);
            } catch (MappingException e) {
                notes.add("no IPv6 pinhole: " + e.getMessage());
            }
        }
        if (closed) {
            return;
        }
        if (!leases.isEmpty()) {
            String got = leases.stream().map(l -> l.mapping().describe()).collect(Collectors.joining("; "));
            publish(new MappingStatus(MappingStatus.State.MAPPED, mappings(), got
                    + (refusals.isEmpty() && notes.isEmpty() ? "" : " (" + String.join("; ", concat(refusals, notes)) + ")")),
                    Level.INFO);
            scheduleRenewal();
        } else if (refusals.isEmpty()) {
            publish(new MappingStatus(MappingStatus.State.NONE_FOUND, List.of(), "no gateway answered ("
                    + java.util.Arrays.stream(Protocol.values()).filter(settings.protocols()::contains).map(PortMapper::label).collect(Collectors.joining(", "))
                    + "); peers outside this network need a relay"), Level.INFO);
            next = executor.schedule(this::map, settings.retryMillis(), TimeUnit.MILLISECONDS);
        } else {
            publish(new MappingStatus(MappingStatus.State.FAILED, List.of(), String.join("; ", refusals)
                    + "; peers outside this network need a relay"), Level.INFO);
            next = executor.schedule(this::map, settings.retryMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Optional<Lease> mapIpv4(List<String> refusals) {
        InetAddress gateway = settings.gateway4();
        long lifetime = settings.lifetimeSeconds();
        boolean pcpAnswered = false;
        if (gateway != null && settings.protocols().contains(Protocol.PCP)) {
            try {
                Optional<Lease> lease = new PcpClient(server(gateway), settings.udpBudgetMillis()).map(null, publicPort, lifetime);
                if (lease.isPresent()) {
                    return lease;
                }
            } catch (MappingException e) {
                pcpAnswered = true;
                if (!e.getMessage().contains("speaks only NAT-PMP")) {
                    refusals.add(e.getMessage());
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "PCP", e);
            }
        }
        if (gateway != null && settings.protocols().contains(Protocol.NAT_PMP) && !closed) {
            // a server silent to PCP is rarely a NAT-PMP one: a shorter wait then
            long budget = pcpAnswered || !settings.protocols().contains(Protocol.PCP) ? settings.udpBudgetMillis()
                    : settings.udpBudgetMillis() / 2;
            try {
                Optional<Lease> lease = new NatPmpClient(server(gateway), budget).map(publicPort, lifetime);
                if (lease.isPresent()) {
                    return lease;
                }
            } catch (MappingException e) {
                refusals.add(e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.FINE, "NAT-PMP", e);
            }
        }
        if (settings.protocols().contains(Protocol.UPNP) && !closed) {
            try {
                Optional<UpnpIgdClient.Gateway> igd = upnpGateway();
                if (igd.isPresent()) {
                    return Optional.of(upnp.map(igd.get(), publicPort, lifetime));
                }
            } catch (MappingException e) {
                refusals.add(e.getMessage());
            } catch (RuntimeException e) {
                refusals.add("UPnP: " + e);
            }
        }
        return Optional.empty();
    }

    private Optional<UpnpIgdClient.Gateway> upnpGateway() {
        if (upnpGateway == null) {
            if (upnp == null) {
                Optional<NetworkInterface> link = link();
                if (link.isEmpty()) {
                    return Optional.empty();
                }
                try {
                    upnp = new UpnpIgdClient(link.get());
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "UPnP", e); // that interface cannot do multicast: no UPnP gateway there
                    return Optional.empty();
                }
            }
            LOG.fine(() -> "UPnP: searching on " + upnp.interfaceName() + " only");
            try {
                upnpGateway = upnp.discover(settings.upnpBudgetMillis()).orElse(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Optional.ofNullable(upnpGateway);
    }

    private Optional<Lease> pinhole(List<String> notes) throws MappingException {
        if (settings.router6() != null && settings.protocols().contains(Protocol.PCP)) {
            try {
                Optional<Lease> lease = new PcpClient(server(settings.router6()), settings.udpBudgetMillis())
                        .map(settings.global6(), publicPort, settings.lifetimeSeconds());
                if (lease.isPresent()) {
                    return lease;
                }
            } catch (MappingException e) {
                notes.add("no IPv6 pinhole over PCP: " + e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.FINE, "PCP (IPv6)", e);
            }
        }
        if (settings.protocols().contains(Protocol.UPNP)) {
            Optional<UpnpIgdClient.Gateway> igd = upnpGateway();
            if (igd.isPresent()) {
                return upnp.pinhole(igd.get(), settings.router6(), settings.global6(), publicPort,
                        settings.lifetimeSeconds());
            }
        }
        return Optional.empty();
    }

    /** The interface toward the gateway, where UPnP searches (not every interface: not a VPN, a VM bridge…). */
    private Optional<NetworkInterface> link() {
        try {
            return settings.upnpInterface() == null ? Optional.empty()
                    : Optional.ofNullable(NetworkInterface.getByName(settings.upnpInterface()));
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private InetSocketAddress server(InetAddress address) {
        return new InetSocketAddress(address, settings.serverPort());
    }

    private void scheduleRenewal() {
        long seconds = leases.stream().mapToLong(l -> l.mapping().lifetimeSeconds()).filter(s -> s > 0).min()
                .orElse(2 * 3600);
        next = executor.schedule(this::renew, Math.max(1000, seconds * 500), TimeUnit.MILLISECONDS);
    }

    /** Renews every lease; one that fails (or whose gateway forgot it) means asking again from scratch. */
    private void renew() {
        if (closed) {
            return;
        }
        for (Lease lease : List.copyOf(leases)) {
            try {
                lease.renew();
            } catch (MappingException e) {
                LOG.info("port mapping: " + e.getMessage() + "; asking again");
                leases.clear();
                upnpGateway = null;
                map();
                return;
            }
        }
        status = new MappingStatus(MappingStatus.State.MAPPED, mappings(), status.reason());
        LOG.fine(() -> "port mapping renewed: " + status.reason());
        listener.accept(status);
        scheduleRenewal();
    }

    private List<Mapping> mappings() {
        return leases.stream().map(Lease::mapping).toList();
    }

    private void publish(MappingStatus changed, Level level) {
        MappingStatus before = status;
        status = changed;
        if (before.state() != changed.state() || !before.reason().equals(changed.reason())) {
            LOG.log(level, "port mapping: " + changed.reason());
        }
        listener.accept(changed);
    }

    /** Deletes the mappings (within a few seconds: what is left expires by itself) and stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
        try {
            executor.submit(() -> {
                for (Lease lease : leases) {
                    lease.delete();
                }
                leases.clear();
            }).get(CLOSE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.fine("port mapping: deleting the mappings took too long; they expire by themselves");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // already stopped
        }
        executor.shutdownNow();
        if (upnp != null) {
            upnp.close();
        }
        status = new MappingStatus(MappingStatus.State.OFF, List.of(), "stopped");
    }

    private static String label(Protocol p) {
        return switch (p) {
            case PCP -> "PCP";
            case NAT_PMP -> "NAT-PMP";
            case UPNP -> "UPnP";
        };
    }
}
