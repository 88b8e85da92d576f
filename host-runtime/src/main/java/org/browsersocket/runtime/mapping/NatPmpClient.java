package org.browsersocket.runtime.mapping;

import org.browsersocket.runtime.net.AddressText;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Asks a NAT-PMP server (RFC 6886) for its external address and a TCP mapping. */
final class NatPmpClient {
    private final InetSocketAddress server;
    private final long budgetMillis;

    NatPmpClient(InetSocketAddress server, long budgetMillis) {
        this.server = server;
        this.budgetMillis = budgetMillis;
    }

    /** Maps TCP {@code internalPort}; empty when nothing answered; throws when the server refused. */
    Optional<Lease> map(int internalPort, long lifetimeSeconds) throws IOException, MappingException {
        Optional<NatPmpMessages.ExternalAddressResponse> address = externalAddress();
        if (address.isEmpty()) {
            return Optional.empty();
        }
        if (address.get().resultCode() != NatPmpMessages.RESULT_SUCCESS) {
            throw refused(address.get().resultCode());
        }
        Optional<NatPmpMessages.MapResponse> answer = request(internalPort, internalPort, lifetimeSeconds);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        NatPmpLease lease = new NatPmpLease(internalPort, address.get().address(),
                new Epoch(address.get().epochSeconds(), System.currentTimeMillis()));
        lease.accept(answer.get());
        return Optional.of(lease);
    }

    private Optional<NatPmpMessages.ExternalAddressResponse> externalAddress() throws IOException {
        try (UdpExchange udp = new UdpExchange(server, null)) {
            return udp.exchange(NatPmpMessages.externalAddressRequest(),
                    p -> NatPmpMessages.ExternalAddressResponse.parse(p.getData(), p.getLength()), budgetMillis);
        }
    }

    private Optional<NatPmpMessages.MapResponse> request(int internalPort, int externalPort, long lifetime)
            throws IOException, MappingException {
        try (UdpExchange udp = new UdpExchange(server, null)) {
            byte[] request = new NatPmpMessages.MapRequest(NatPmpMessages.OP_MAP_TCP, internalPort, externalPort, lifetime)
                    .encode();
            Optional<NatPmpMessages.MapResponse> answer = udp.exchange(request,
                    p -> NatPmpMessages.MapResponse.parse(p.getData(), p.getLength())
                            .filter(r -> r.opcode() == NatPmpMessages.OP_MAP_TCP
                                    && (r.internalPort() == internalPort || r.resultCode() != 0)),
                    budgetMillis);
            if (answer.isPresent() && answer.get().resultCode() != NatPmpMessages.RESULT_SUCCESS && lifetime != 0) {
                throw refused(answer.get().resultCode());
            }
            return answer;
        }
    }

    private MappingException refused(int code) {
        return new MappingException("NAT-PMP: " + AddressText.of(server.getAddress()) + " refused: "
                + NatPmpMessages.resultName(code));
    }

    /** One NAT-PMP mapping. */
    private final class NatPmpLease implements Lease {
        private final int internalPort;
        private final Inet4Address externalAddress;
        private Epoch epoch;
        private Mapping mapping;

        NatPmpLease(int internalPort, Inet4Address externalAddress, Epoch epoch) {
            this.internalPort = internalPort;
            this.externalAddress = externalAddress;
            this.epoch = epoch;
        }

        void accept(NatPmpMessages.MapResponse response) throws MappingException {
            Epoch seen = new Epoch(response.epochSeconds(), System.currentTimeMillis());
            boolean continued = epoch.continuedBy(seen);
            epoch = seen;
            if (!continued) {
                throw new MappingException("NAT-PMP: " + AddressText.of(server.getAddress())
                        + " lost its mappings (its epoch restarted)");
            }
            mapping = Mapping.grantedNow("NAT-PMP", 4, AddressText.of(externalAddress), response.externalPort(),
                    internalPort, response.lifetimeSeconds(), AddressText.of(server.getAddress()));
        }

        @Override
        public synchronized Mapping mapping() {
            return mapping;
        }

        @Override
        public synchronized Mapping renew() throws MappingException {
            try {
                Optional<NatPmpMessages.MapResponse> answer = request(internalPort, mapping.externalPort(),
                        Math.max(mapping.lifetimeSeconds(), PortMapper.REQUESTED_LIFETIME_SECONDS));
                if (answer.isEmpty()) {
                    throw new MappingException("NAT-PMP: " + AddressText.of(server.getAddress()) + " stopped answering");
                }
                accept(answer.get());
                return mapping;
            } catch (IOException e) {
                throw new MappingException("NAT-PMP: " + e.getMessage());
            }
        }

        @Override
        public synchronized void delete() {
            try {
                request(internalPort, 0, 0);
            } catch (IOException | MappingException e) {
                // it expires by itself
            }
        }
    }
}
