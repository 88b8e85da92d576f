package org.browsersocket.runtime.mapping;

import org.browsersocket.runtime.net.AddressText;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/** Asks a PCP server (RFC 6887) for a TCP mapping, or, on an IPv6 router, for a firewall pinhole. */
final class PcpClient {
    private final InetSocketAddress server;
    private final long budgetMillis;
    private final SecureRandom random = new SecureRandom();

    /** @param budgetMillis how long one request may go unanswered before the server counts as absent */
    PcpClient(InetSocketAddress server, long budgetMillis) {
        this.server = server;
        this.budgetMillis = budgetMillis;
    }

    /**
     * Maps TCP {@code internalPort}. {@code client} is the internal address to map (for a pinhole:
     * the host's global IPv6 address, which is also the source of the request); null maps the
     * address the gateway sees. Empty when nothing answered; throws when the server refused.
     */
    Optional<Lease> map(InetAddress client, int internalPort, long lifetimeSeconds) throws IOException, MappingException {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        int family = client instanceof java.net.Inet6Address ? 6 : 4;
        Optional<PcpMessages.MapResponse> answer = request(client, nonce, internalPort, internalPort,
                client instanceof java.net.Inet6Address ? client : null, lifetimeSeconds);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        PcpLease lease = new PcpLease(client, nonce, internalPort, family);
        lease.accept(answer.get(), false);
        return Optional.of(lease);
    }

    private Optional<PcpMessages.MapResponse> request(InetAddress client, byte[] nonce, int internalPort, int externalPort,
                                                      InetAddress externalAddress, long lifetime)
            throws IOException, MappingException {
        try (UdpExchange udp = new UdpExchange(server, client)) {
            PcpMessages.MapRequest request = new PcpMessages.MapRequest(lifetime, udp.localAddress(), nonce,
                    PcpMessages.PROTOCOL_TCP, internalPort, externalPort, externalAddress);
            Optional<PcpMessages.Response> header = Optional.empty();
            Optional<Object> answer = udp.exchange(request.encode(), packet -> {
                Optional<PcpMessages.Response> h = PcpMessages.Response.parse(packet.getData(), packet.getLength());
                if (h.isPresent() && h.get().version() == 0) {
                    return Optional.of(h.get()); // a NAT-PMP server: it does not speak PCP
                }
                Optional<PcpMessages.MapResponse> map = PcpMessages.MapResponse.parse(packet.getData(), packet.getLength());
                return map.filter(m -> Arrays.equals(m.nonce(), nonce) && m.internalPort() == internalPort
                        && m.protocol() == PcpMessages.PROTOCOL_TCP).map(m -> (Object) m);
            }, budgetMillis);
            if (answer.isEmpty()) {
                return Optional.empty();
            }
            if (answer.get() instanceof PcpMessages.Response) {
                throw new MappingException("PCP: " + AddressText.of(server.getAddress()) + " speaks only NAT-PMP");
            }
            PcpMessages.MapResponse response = (PcpMessages.MapResponse) answer.get();
            if (response.resultCode() != PcpMessages.RESULT_SUCCESS && lifetime != 0) {
                throw new MappingException("PCP: " + AddressText.of(server.getAddress()) + " refused: "
                        + PcpMessages.resultName(response.resultCode()));
            }
            return Optional.of(response);
        }
    }

    /** One PCP mapping, identified by its nonce. */
    private final class PcpLease implements Lease {
        private final InetAddress client;
        private final byte[] nonce;
        private final int internalPort;
        private final int family;
        private Mapping mapping;
        private InetAddress externalAddress;
        private Epoch epoch;

        PcpLease(InetAddress client, byte[] nonce, int internalPort, int family) {
            this.client = client;
            this.nonce = nonce;
            this.internalPort = internalPort;
            this.family = family;
        }

        void accept(PcpMessages.MapResponse response, boolean renewal) throws MappingException {
            Epoch seen = new Epoch(response.epochSeconds(), System.currentTimeMillis());
            if (renewal && epoch != null && !epoch.continuedBy(seen)) {
                epoch = seen;
                throw new MappingException("PCP: " + AddressText.of(server.getAddress())
                        + " lost its mappings (its epoch restarted)");
            }
            epoch = seen;
            externalAddress = response.externalAddress();
            mapping = Mapping.grantedNow("PCP", family, AddressText.of(externalAddress), response.externalPort(),
                    internalPort, response.lifetimeSeconds(), AddressText.of(server.getAddress()));
        }

        @Override
        public synchronized Mapping mapping() {
            return mapping;
        }

        @Override
        public synchronized Mapping renew() throws MappingException {
            try {
                Optional<PcpMessages.MapResponse> answer = request(client, nonce, internalPort, mapping.externalPort(),
                        externalAddress, Math.max(mapping.lifetimeSeconds(), PortMapper.REQUESTED_LIFETIME_SECONDS));
                if (answer.isEmpty()) {
                    throw new MappingException("PCP: " + AddressText.of(server.getAddress()) + " stopped answering");
                }
                accept(answer.get(), true);
                return mapping;
            } catch (IOException e) {
                throw new MappingException("PCP: " + e.getMessage());
            }
        }

        @Override
        public synchronized void delete() {
            try {
                request(client, nonce, internalPort, 0, null, 0);
            } catch (IOException | MappingException e) {
                // it expires by itself
            }
        }
    }
}
