package org.browsersocket.runtime.mapping;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
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
import org.jupnp.model.message.header.UDAServiceTypeHeader;
import org.jupnp.model.meta.Action;
import org.jupnp.model.meta.RemoteDevice;
import org.jupnp.model.meta.RemoteService;
import org.jupnp.model.types.ServiceType;
import org.jupnp.model.types.UDAServiceType;
import org.jupnp.registry.DefaultRegistryListener;
import org.jupnp.registry.Registry;
import org.jupnp.transport.spi.NetworkAddressFactory;
import org.jupnp.transport.spi.StreamClient;
import org.jupnp.transport.spi.StreamServer;

/**
 * UPnP-IGD through jUPnP, used as a control point only: SSDP search for an Internet Gateway
 * Device, then its WANIPConnection (or WANPPPConnection) AddPortMapping / DeletePortMapping and,
 * where offered, WANIPv6FirewallControl AddPinhole / UpdatePinhole / DeletePinhole. No HTTP server
 * is run (no eventing), its threads are few daemons, and {@link #close} stops all of them.
 */
final class UpnpIgdClient implements AutoCloseable {
    private static final ServiceType[] WAN_SERVICES = {new UDAServiceType("WANIPConnection", 2),
            new UDAServiceType("WANIPConnection", 1), new UDAServiceType("WANPPPConnection", 1)};
    private static final ServiceType FIREWALL = new UDAServiceType("WANIPv6FirewallControl", 1);
    private static final int MAX_THREADS = 24;
    /** jUPnP logs through SLF4J into java.util.logging; its chatter is not the runtime's. */
    private final java.util.logging.Logger jupnpLog = java.util.logging.Logger.getLogger("org.jupnp");
    private final ThreadPoolExecutor executor;
    private final UpnpService upnp;

    UpnpIgdClient() {
        if (jupnpLog.getLevel() == null) {
            jupnpLog.setLevel(java.util.logging.Level.SEVERE);
        }
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(0, MAX_THREADS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "bs-upnp-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        upnp = new UpnpServiceImpl(new Configuration(executor));
        ((UpnpServiceImpl) upnp).startup();
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

    /** Searches for an IGD for at most {@code budgetMillis}; empty when none answered. */
    Optional<Gateway> discover(long budgetMillis) throws InterruptedException {
        CompletableFuture<Gateway> found = new CompletableFuture<>();
        DefaultRegistryListener listener = new DefaultRegistryListener() {
            @Override
            public void remoteDeviceAdded(Registry registry, RemoteDevice device) {
                gateway(device).ifPresent(found::complete);
            }
        };
        upnp.getRegistry().addListener(listener);
        try {
            for (RemoteDevice device : upnp.getRegistry().getRemoteDevices()) {
                gateway(device).ifPresent(found::complete);
            }
            long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
            long searchEvery = Math.max(budgetMillis / 3, 200);
            while (!found.isDone() && System.nanoTime() < deadline) {
                for (ServiceType type : WAN_SERVICES) {
                    upnp.getControlPoint().search(new UDAServiceTypeHeader((UDAServiceType) type), 1);
                }
                try {
                    return Optional.of(found.get(Math.min(searchEvery, Math.max(1,
                            (deadline - System.nanoTime()) / 1_000_000L)), TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    // search again
                } catch (java.util.concurrent.ExecutionException e) {
                    return Optional.empty();
                }
            }
            return Optional.ofNullable(found.getNow(null));
        } finally {
            upnp.getRegistry().removeListener(listener);
        }
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
        return new UpnpLease(gateway, external, port, internalPort, lifetime);
    }

    private void addPortMapping(Gateway gateway, int externalPort, int internalPort, long lifetime) throws MappingException {
        invoke(gateway.wan(), "AddPortMapping", "NewRemoteHost", "", "NewExternalPort", externalPort,
                "NewProtocol", "TCP", "NewInternalPort", internalPort,
                "NewInternalClient", gateway.localAddress().getHostAddress(), "NewEnabled", "1",
                "NewPortMappingDescription", "BrowserSocket", "NewLeaseDuration", lifetime);
    }

    /** Opens an IPv6 pinhole to {@code address:port} where the gateway has a firewall service; empty otherwise. */
    Optional<Lease> pinhole(Gateway gateway, Inet6Address address, int port, long lifetimeSeconds)
            throws MappingException {
        if (gateway.firewall() == null || gateway.firewall().getAction("AddPinhole") == null) {
            return Optional.empty();
        }
        ActionInvocation<RemoteService> status = invoke(gateway.firewall(), "GetFirewallStatus");
        if (!"true".equals(String.valueOf(status.getOutput("InboundPinholeAllowed").getValue()))
                && !"1".equals(String.valueOf(status.getOutput("InboundPinholeAllowed").getValue()))) {
            throw new MappingException("UPnP: " + gateway.name() + " allows no inbound IPv6 pinholes");
        }
        String host = address.getHostAddress().replaceAll("%.*", "");
        ActionInvocation<RemoteService> added = invoke(gateway.firewall(), "AddPinhole", "RemoteHost", "",
                "RemotePort", 0, "InternalClient", host, "InternalPort", port, "Protocol", 6,
                "LeaseTime", lifetimeSeconds);
        String id = added.getOutput("UniqueID").getValue().toString();
        return Optional.of(new PinholeLease(gateway, id, host, port, lifetimeSeconds));
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

    /** One port mapping on the IGD. */
    private final class UpnpLease implements Lease {
        private final Gateway gateway;
        private final String external;
        private final int externalPort;
        private final int internalPort;
        private final long lifetime;

        UpnpLease(Gateway gateway, String external, int externalPort, int internalPort, long lifetime) {
            this.gateway = gateway;
            this.external = external;
            this.externalPort = externalPort;
            this.internalPort = internalPort;
            this.lifetime = lifetime;
        }

        @Override
        public Mapping mapping() {
            return new Mapping("UPnP", 4, external, externalPort, internalPort, lifetime,
                    lifetime == 0 ? null : Instant.now().plusSeconds(lifetime), gateway.name());
        }

        @Override
        public Mapping renew() throws MappingException {
            addPortMapping(gateway, externalPort, internalPort, lifetime);
            return mapping();
        }

        @Override
        public void delete() {
            try {
                invoke(gateway.wan(), "DeletePortMapping", "NewRemoteHost", "", "NewExternalPort", externalPort,
                        "NewProtocol", "TCP");
            } catch (MappingException e) {
                // it expires by itself
            }
        }
    }

    /** One IPv6 pinhole on the IGD's firewall. */
    private final class PinholeLease implements Lease {
        private final Gateway gateway;
        private final String id;
        private final String host;
        private final int port;
        private final long lifetime;

        PinholeLease(Gateway gateway, String id, String host, int port, long lifetime) {
            this.gateway = gateway;
            this.id = id;
            this.host = host;
            this.port = port;
            this.lifetime = lifetime;
        }

        @Override
        public Mapping mapping() {
            return new Mapping("UPnP", 6, host, port, port, lifetime, Instant.now().plusSeconds(lifetime),
                    gateway.name());
        }

        @Override
        public Mapping renew() throws MappingException {
            invoke(gateway.firewall(), "UpdatePinhole", "UniqueID", id, "NewLeaseTime", lifetime);
            return mapping();
        }

        @Override
        public void delete() {
            try {
                invoke(gateway.firewall(), "DeletePinhole", "UniqueID", id);
            } catch (MappingException e) {
                // it expires by itself
            }
        }
    }

    @Override
    public void close() {
        try {
            upnp.shutdown();
        } finally {
            executor.shutdownNow();
        }
    }

    /** jUPnP's defaults, minus its HTTP server and Jetty client, on our bounded daemon threads. */
    private static final class Configuration extends DefaultUpnpServiceConfiguration {
        private final ExecutorService executor;

        Configuration(ExecutorService executor) {
            super(0, 0, false);
            this.executor = executor;
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
        public StreamClient createStreamClient() {
            return new JdkStreamClient(executor);
        }

        @Override
        public StreamServer createStreamServer(NetworkAddressFactory networkAddressFactory) {
            return null;
        }
    }
}
