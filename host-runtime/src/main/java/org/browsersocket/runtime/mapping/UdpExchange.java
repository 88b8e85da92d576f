package org.browsersocket.runtime.mapping;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.function.Function;

/**
 * One request to a gateway's PCP/NAT-PMP port, retransmitted on the RFCs' doubling schedule
 * (250 ms, 500 ms, 1 s, ...) but only within a time budget, so that an absent gateway costs
 * seconds, not the RFCs' minutes. An ICMP "port unreachable" ends the exchange at once.
 */
final class UdpExchange implements AutoCloseable {
    private static final int FIRST_WAIT_MILLIS = 250;
    private final DatagramSocket socket;

    /** @param source the local address to send from (null: the one the routing table picks) */
    UdpExchange(InetSocketAddress server, InetAddress source) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(source, 0));
        socket.connect(server);
    }

    /** The address the gateway sees us at (PCP's client address field). */
    InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    /** Sends {@code request} until {@code parse} accepts an answer or the budget is spent. */
    <T> Optional<T> exchange(byte[] request, Function<DatagramPacket, Optional<T>> parse, long budgetMillis)
            throws IOException {
        long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
        long wait = FIRST_WAIT_MILLIS;
        byte[] buffer = new byte[1100];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return Optional.empty();
            }
            socket.send(new DatagramPacket(request, request.length));
            long until = System.nanoTime() + Math.min(wait, left) * 1_000_000L;
            wait *= 2;
            while (true) {
                long remaining = (until - System.nanoTime()) / 1_000_000L;
                if (remaining <= 0) {
                    break;
                }
                socket.setSoTimeout((int) remaining);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (PortUnreachableException e) {
                    return Optional.empty();
                }
                Optional<T> answer = parse.apply(packet);
                if (answer.isPresent()) {
                    return answer;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
