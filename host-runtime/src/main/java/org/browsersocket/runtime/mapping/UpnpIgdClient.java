package org.browsersocket.runtime.mapping;

import org.browsersocket.runtime.net.AddressText;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jupnp.DefaultUpnpServiceConfiguration;
import org.jupnp.UpnpService;
import org.jupnp.UpnpServiceImpl;
import org.jupnp.controlpoint.ActionCallback;
import org.jupnp.model.action.ActionException;
import org.jupnp.model.action.ActionInvocation;
import org.jupnp.model.message.IncomingDatagramMessage;
import org.jupnp.model.message.StreamRequestMessage;
import org.jupnp.model.message.StreamResponseMessage;
import org.jupnp.model.message.UpnpRequest;
import org.jupnp.model.message.UpnpResponse;
import org.jupnp.model.message.header.UDADeviceTypeHeader;
import org.jupnp.model.message.header.UDAServiceTypeHeader;
import org.jupnp.model.meta.Action;
import org.jupnp.model.meta.RemoteDevice;
import org.jupnp.model.meta.RemoteService;
import org.jupnp.model.types.ServiceType;
import org.jupnp.model.types.UDADeviceType;
import org.jupnp.model.types.UDAServiceType;
import org.jupnp.protocol.ProtocolFactory;
import org.jupnp.protocol.ProtocolFactoryImpl;
import org.jupnp.protocol.ReceivingAsync;
import org.jupnp.registry.DefaultRegistryListener;
import org.jupnp.registry.Registry;
import org.jupnp.transport.Router;
import org.jupnp.transport.impl.DatagramIOConfigurationImpl;
import org.jupnp.transport.impl.DatagramIOImpl;
import org.jupnp.transport.impl.NetworkAddressFactoryImpl;
import org.jupnp.transport.spi.DatagramIO;
import org.jupnp.transport.spi.DatagramProcessor;
import org.jupnp.transport.spi.InitializationException;
import org.jupnp.transport.spi.NetworkAddressFactory;
import org.jupnp.transport.spi.StreamServer;

/**
 * UPnP-IGD through jUPnP, used as a control point only: SSDP search for an Internet Gateway
 * Device, then its WANIPConnection (or WANPPPConnection) AddPortMapping / DeletePortMapping and,
 * where offered, WANIPv6FirewallControl AddPinhole / UpdatePinhole / DeletePinhole. Everything
 * happens on one interface, the one toward the gateway: SSDP binds and joins the multicast group
 * only there, and HTTP goes only to addresses on that link ({@link LinkStreamClient}). No HTTP
 * server is run (no eventing), its threads are few daemons, and {@link #close} stops all of them.
 */
final class UpnpIgdClient implements AutoCloseable {
    private static final ServiceType[] WAN_SERVICES = {new UDAServiceType("WANIPConnection", 2),
            new UDAServiceType("WANIPConnection", 1), new UDAServiceType("WANPPPConnection", 1)};
    private static final ServiceType FIREWALL = new UDAServiceType("WANIPv6FirewallControl", 1);
    private static final int MAX_THREADS = 24;
    /** jUPnP logs through SLF4J into java.util.logging; its chatter is not the runtime's. */
    private final java.util.logging.Logger jupnpLog = java.util.logging.Logger.getLogger("org.jupnp");
    /** The search is repeated this often while no gateway is described yet (UDA: "repeat more than once"). */
    private static final long SEARCH_EVERY_MILLIS = 2_000;
    private final ThreadPoolExecutor executor;
    private final NetworkInterface link;
    private final LinkStreamClient http;
    private final UpnpService upnp;
    /** Search responses seen: a gateway answered and is (or soon will be) being described. */
    private final AtomicInteger answers = new AtomicInteger();

    /** A control point on {@code link} only; throws if jUPnP cannot use that interface. */
    UpnpIgdClient(NetworkInterface link) {
        if (jupnpLog.getLevel() == null) {
            jupnpLog.setLevel(java.util.logging.Level.SEVERE);
        }
        this.link = link;
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(0, MAX_THREADS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "bs-upnp-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        http = new LinkStreamClient(executor, link);
        UpnpServiceImpl service = new UpnpServiceImpl(new Configuration(executor, link, http)) {
            @Override
            protected ProtocolFactory createProtocolFactory() {
                return new ProtocolFactoryImpl(this) {
                    @Override
                    protected ReceivingAsync createReceivingSearchResponse(IncomingDatagramMessage<UpnpResponse> response) {
                        answers.incrementAndGet();
                        return super.createReceivingSearchResponse(response);
                    }
                };
            }
        };
        upnp = service;
        try {
            // without jUPnP's initial "ssdp:all" search, which would have it describe every device on the LAN
            service.activate(new UpnpServiceImpl.Config() {
                @Override
                public boolean initialSearchEnabled() {
                    return false;
                }

                @Override
                public Class<? extends java.lang.annotation.Annotation> annotationType() {
                    return UpnpServiceImpl.Config.class;
                }
            });
            if (!service.getRouter().isEnabled()) {
                throw new IllegalStateException("UPnP: cannot search on " + link.getName());
            }
        } catch (RuntimeException | org.jupnp.transport.RouterException e) {
            close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("UPnP: " + e.getMessage(), e);
        }
    }

    /** The interface searched on. */
    String interfaceName() {
        return link.getName();
    }

    /** A gateway found: its WAN connection service, and its IPv6 firewall service if it has one. */
    record Gateway(RemoteDevice device, RemoteService wan, RemoteService firewall) {
        String name() {
            return device.getIdentity().getDescriptorURL().getHost();
        }

        InetAddress localAddress() {
            return device.getIdentity().getDiscoveredOnLocalAddress();
        }
    }

    /**
     * Searches for an IGD; empty when none answered. The M-SEARCH is sent again every
     * {@value #SEARCH_EVERY_MILLIS} ms (datagrams get lost, and a busy gateway or host may miss one).
     * When nothing answered in the first half of {@code budgetMillis} it gives up; once a device
     * answered, it waits for its description (several HTTP fetches, slow on a loaded host) until
     * the whole budget is spent.
     */
    Optional<Gateway> discover(long budgetMillis) throws InterruptedException {
        CompletableFuture<Gateway> found = new CompletableFuture<>();
        DefaultRegistryListener listener = new DefaultRegistryListener() {
            @Override
            public void remoteDeviceAdded(Registry registry, RemoteDevice device) {
                gateway(device).ifPresent(found::complete);
            }

            @Override
            public void remoteDeviceUpdated(Registry registry, RemoteDevice device) {
                gateway(device).ifPresent(found::complete);
            }
        };
        upnp.getRegistry().addListener(listener);
        try {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
            long searchOnly = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis / 2);
            long nextSearch = start;
            int answersBefore = answers.get();
            while (!found.isDone()) {
                known().ifPresent(found::complete); // also what arrived between two listener calls
                long now = System.nanoTime();
                if (found.isDone() || now >= deadline || (now >= searchOnly && answers.get() == answersBefore)) {
                    break;
                }
                if (now >= nextSearch) {
                    search();
                    nextSearch = now + TimeUnit.MILLISECONDS.toNanos(SEARCH_EVERY_MILLIS);
                }
                long until = Math.min(nextSearch, answers.get() == answersBefore ? Math.min(searchOnly, deadline) : deadline);
                try {
                    found.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now)), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // search again, or look whether time is up
                } catch (java.util.concurrent.ExecutionException e) {
                    return Optional.empty();
                }
            }
            return Optional.ofNullable(found.getNow(null));
        } finally {
            upnp.getRegistry().removeListener(listener);
        }
    }

    /** One M-SEARCH (jUPnP sends each three times, 500 ms apart) for IGDs and for their WAN services. */
    private void search() {
        upnp.getControlPoint().search(new UDADeviceTypeHeader(new UDADeviceType("InternetGatewayDevice", 1)), 1);
        for (ServiceType type : WAN_SERVICES) {
            upnp.getControlPoint().search(new UDAServiceTypeHeader((UDAServiceType) type), 1);
        }
    }

    private Optional<Gateway> known() {
        for (RemoteDevice device : upnp.getRegistry().getRemoteDevices()) {
            Optional<Gateway> gateway = gateway(device);
            if (gateway.isPresent()) {
                return gateway;
            }
        }
        return Optional.empty();
    }

    private static Optional<Gateway> gateway(RemoteDevice device) {
        for (ServiceType type : WAN_SERVICES) {
            RemoteService wan = device.findService(type);
            if (wan != null && wan.getAction("AddPortMapping") != null) {
                return Optional.of(new Gateway(device, wan, device.findService(FIREWALL)));
            }
        }
        return Optional.empty();
    }

    /** Maps TCP {@code internalPort} on the gateway's WAN side; throws when refused. */
    Lease map(Gateway gateway, int internalPort, long lifetimeSeconds) throws MappingException {
        String external = invoke(gateway.wan(), "GetExternalIPAddress").getOutput("NewExternalIPAddress")
                .getValue().toString();
        long lifetime = lifetimeSeconds;
        int port = internalPort;
        for (int attempt = 0; ; attempt++) {
            try {
                addPortMapping(gateway, port, internalPort, lifetime);
                break;
            } catch (MappingException e) {
                if (e.getMessage().contains("(725)") && lifetime != 0) {
                    lifetime = 0; // OnlyPermanentLeasesSupported: renewals keep it anyway, close deletes it
                } else if (e.getMessage().contains("(718)") && attempt < 4) {
                    port = 1024 + (port + 1 - 1024) % (65536 - 1024); // ConflictInMappingEntry: another port
                } else {
                    throw e;
                }
            }
        }
        int mapped = port;
        long granted = lifetime;
        return new IgdLease(gateway.name(), 4, external, mapped, internalPort, granted,
                () -> addPortMapping(gateway, mapped, internalPort, granted),
                () -> invoke(gateway.wan(), "DeletePortMapping", "NewRemoteHost", "", "NewExternalPort", mapped,
                        "NewProtocol", "TCP"));
    }

    private void addPortMapping(Gateway gateway, int externalPort, int internalPort, long lifetime) throws MappingException {
        invoke(gateway.wan(), "AddPortMapping", "NewRemoteHost", "", "NewExternalPort", externalPort,
                "NewProtocol", "TCP", "NewInternalPort", internalPort,
                "NewInternalClient", AddressText.of(gateway.localAddress()), "NewEnabled", "1",
                "NewPortMappingDescription", "BrowserSocket", "NewLeaseDuration", lifetime);
    }

    /**
     * Opens an IPv6 pinhole to {@code address:port} where the gateway has a firewall service; empty
     * otherwise. The firewall's actions go to the gateway over IPv6, at {@code router6}, from
     * {@code address}: miniupnpd (like the IGD v2 spec's security model) grants a pinhole only to
     * the address the request comes from, comparing the two as text, so a request over IPv4 (the
     * way the gateway was found) is refused with 606 "Action not authorized".
     */
    Optional<Lease> pinhole(Gateway gateway, InetAddress router6, Inet6Address address, int port, long lifetimeSeconds)
            throws MappingException {
        if (gateway.firewall() == null || gateway.firewall().getAction("AddPinhole") == null) {
            return Optional.empty();
        }
        viaIpv6(gateway, router6, address);
        ActionInvocation<RemoteService> status = invoke(gateway.firewall(), "GetFirewallStatus");
        if (!"true".equals(String.valueOf(status.getOutput("InboundPinholeAllowed").getValue()))
                && !"1".equals(String.valueOf(status.getOutput("InboundPinholeAllowed").getValue()))) {
            throw new MappingException("UPnP: " + gateway.name() + " allows no inbound IPv6 pinholes");
        }
        String host = AddressText.of(address);
        ActionInvocation<RemoteService> added = invoke(gateway.firewall(), "AddPinhole", "RemoteHost", "",
                "RemotePort", 0, "InternalClient", host, "InternalPort", port, "Protocol", 6,
                "LeaseTime", lifetimeSeconds);
        String id = added.getOutput("UniqueID").getValue().toString();
        return Optional.of(new IgdLease(gateway.name(), 6, host, port, port, lifetimeSeconds,
                () -> invoke(gateway.firewall(), "UpdatePinhole", "UniqueID", id, "NewLeaseTime", lifetimeSeconds),
                () -> invoke(gateway.firewall(), "DeletePinhole", "UniqueID", id)));
    }

    /**
     * Routes the firewall service's control URL to {@code router6} from {@code address}, once
     * {@code router6} proved to be the same device: its description, fetched there, names the
     * gateway's UDN.
     */
    private void viaIpv6(Gateway gateway, InetAddress router6, Inet6Address address) throws MappingException {
        if (router6 == null || http.localAddressFor(router6).isEmpty()) {
            throw new MappingException("UPnP: no IPv6 router on " + link.getName() + " to reach " + gateway.name()
                    + "'s IPv6 firewall");
        }
        if (!http.isOwn(address)) {
            throw new MappingException("UPnP: " + AddressText.of(address) + " is not an address of " + link.getName());
        }
        try {
            URL descriptor = gateway.device().getIdentity().getDescriptorURL();
            URL control = gateway.firewall().getDevice().normalizeURI(gateway.firewall().getControlURI());
            int descriptorPort = descriptor.getPort() > 0 ? descriptor.getPort() : 80;
            int controlPort = control.getPort() > 0 ? control.getPort() : 80;
            InetAddress target = http.scoped(router6);
            StreamResponseMessage description = http.send(new StreamRequestMessage(UpnpRequest.Method.GET,
                    descriptor.toURI()), new LinkStreamClient.Route(new InetSocketAddress(target, descriptorPort), address));
            String udn = gateway.device().getIdentity().getUdn().getIdentifierString();
            if (description == null || description.getOperation().isFailed() || description.getBodyString() == null
                    || !description.getBodyString().contains(udn)) {
                throw new MappingException("UPnP: " + AddressText.of(router6) + " is not " + gateway.name()
                        + " over IPv6; no pinhole");
            }
            http.via(control.toURI(), new LinkStreamClient.Route(new InetSocketAddress(target, controlPort), address));
        } catch (URISyntaxException e) {
            throw new MappingException("UPnP: " + e.getMessage());
        }
    }

    private ActionInvocation<RemoteService> invoke(RemoteService service, String actionName, Object... arguments)
            throws MappingException {
        Action<RemoteService> action = service.getAction(actionName);
        if (action == null) {
            throw new MappingException("UPnP: the gateway has no " + actionName);
        }
        ActionInvocation<RemoteService> invocation = new ActionInvocation<>(action);
        try {
            for (int i = 0; i < arguments.length; i += 2) {
                invocation.setInput((String) arguments[i], String.valueOf(arguments[i + 1]));
            }
        } catch (org.jupnp.model.types.InvalidValueException e) {
            throw new MappingException("UPnP: " + actionName + ": " + e.getMessage());
        }
        new ActionCallback.Default(invocation, upnp.getControlPoint()).run();
        ActionException failure = invocation.getFailure();
        if (failure != null) {
            throw new MappingException("UPnP: " + service.getDevice().getIdentity().getDescriptorURL().getHost()
                    + " refused " + actionName + ": " + failure.getMessage() + " (" + failure.getErrorCode() + ")");
        }
        return invocation;
    }

    /** A call to the IGD. */
    @FunctionalInterface
    private interface IgdCall {
        void run() throws MappingException;
    }

    /** A port mapping (family 4) or IPv6 pinhole (family 6) on the IGD, and how it is renewed and deleted. */
    private record IgdLease(String gateway, int family, String external, int externalPort, int internalPort,
                            long lifetime, IgdCall renewal, IgdCall deletion) implements Lease {
        @Override
        public Mapping mapping() {
            return Mapping.grantedNow("UPnP", family, external, externalPort, internalPort, lifetime, gateway);
        }

        @Override
        public Mapping renew() throws MappingException {
            renewal.run();
            return mapping();
        }

        @Override
        public void delete() {
            try {
                deletion.run();
            } catch (MappingException e) {
                // it expires by itself
            }
        }
    }

    @Override
    public void close() {
        try {
            ((UpnpServiceImpl) upnp).deactivate();
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * jUPnP's defaults, minus its HTTP server and Jetty client, on our bounded daemon threads and on
     * one interface: the address factory offers only that interface (jUPnP then binds its SSDP
     * sockets to that interface's IPv4 address and joins the multicast group there only), and the
     * datagram socket sends its multicast out of it explicitly.
     */
    private static final class Configuration extends DefaultUpnpServiceConfiguration {
        private final ExecutorService executor;
        private final NetworkInterface link;
        private final LinkStreamClient http;

        Configuration(ExecutorService executor, NetworkInterface link, LinkStreamClient http) {
            super(0, 0, false);
            this.executor = executor;
            this.link = link;
            this.http = http;
        }

        @Override
        protected ExecutorService createDefaultExecutorService() {
            return null; // replaced by getDefaultExecutorService (the constructor calls this before our field is set)
        }

        @Override
        protected ExecutorService getDefaultExecutorService() {
            return executor;
        }

        @Override
        protected NetworkAddressFactory createNetworkAddressFactory(int streamListenPort, int multicastResponsePort) {
            return new NetworkAddressFactoryImpl(streamListenPort, multicastResponsePort, link.getName());
        }

        @Override
        public DatagramIO createDatagramIO(NetworkAddressFactory networkAddressFactory) {
            return new DatagramIOImpl(new DatagramIOConfigurationImpl()) {
                @Override
                public synchronized void init(InetAddress bindAddress, int bindPort, Router router,
                                              DatagramProcessor datagramProcessor) throws InitializationException {
                    super.init(bindAddress, bindPort, router, datagramProcessor);
                    try {
                        socket.setNetworkInterface(link);
                    } catch (SocketException e) {
                        throw new InitializationException("cannot send multicast on " + link.getName(), e);
                    }
                }
            };
        }

        @Override
        public LinkStreamClient createStreamClient() {
            return http;
        }

        @Override
        public StreamServer createStreamServer(NetworkAddressFactory networkAddressFactory) {
            return null;
        }
    }
}
