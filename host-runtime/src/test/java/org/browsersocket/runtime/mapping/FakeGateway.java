package org.browsersocket.runtime.mapping;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A PCP/NAT-PMP gateway on 127.0.0.1 (never a real one): answers MAP and NAT-PMP requests with
 * RFC-shaped responses, external address 203.0.113.11, the lifetime it is told, and an epoch that a
 * test can turn back (a gateway that rebooted and forgot its mappings).
 */
final class FakeGateway implements AutoCloseable {
    static final byte[] EXTERNAL = {(byte) 203, 0, 113, 11};
    final DatagramSocket socket;
    final List<byte[]> requests = new CopyOnWriteArrayList<>();
    volatile boolean speaksPcp = true;
    volatile boolean answers = true;
    volatile long grantedLifetime = 2;
    volatile long epochBase;
    private final long started = System.currentTimeMillis();
    private final Thread thread;

    FakeGateway() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "fake-gateway");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    long epoch() {
        return epochBase + (System.currentTimeMillis() - started) / 1000;
    }

    /** The gateway "reboots": its epoch starts again from 0. */
    void reboot() {
        epochBase = -(System.currentTimeMillis() - started) / 1000;
    }

    List<byte[]> requests(int version, int opcode) {
        return requests.stream().filter(r -> r[0] == version && (r[1] & 0x7f) == opcode).toList();
    }

    private void serve() {
        byte[] buffer = new byte[1100];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            byte[] request = Arrays.copyOf(packet.getData(), packet.getLength());
            requests.add(request);
            if (!answers) {
                continue;
            }
            byte[] answer = answer(request);
            try {
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private byte[] answer(byte[] r) {
        ByteBuffer in = ByteBuffer.wrap(r);
        if (r[0] == 2 && !speaksPcp) {
            // RFC 6887 §9: a NAT-PMP-only server answers "unsupported version"
            return ByteBuffer.allocate(8).put((byte) 0).put((byte) (128 + r[1])).putShort((short) 1)
                    .putInt((int) epoch()).array();
        }
        if (r[0] == 2 && r[1] == 1) {
            long lifetime = in.getInt(4) == 0 ? 0 : Math.min(in.getInt(4) & 0xffffffffL, grantedLifetime);
            int internalPort = in.getShort(40) & 0xffff;
            ByteBuffer out = ByteBuffer.allocate(60).put((byte) 2).put((byte) 0x81).put((byte) 0).put((byte) 0)
                    .putInt((int) lifetime).putInt((int) epoch()).put(new byte[12])
                    .put(r, 24, 12).put((byte) 6).put(new byte[3]).putShort((short) internalPort)
                    .putShort((short) (lifetime == 0 ? 0 : internalPort));
            out.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(EXTERNAL);
            return out.array();
        }
        if (r[0] == 0 && r[1] == 0) {
            return ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) 0).putInt((int) epoch())
                    .put(EXTERNAL).array();
        }
        if (r[0] == 0 && (r[1] == 1 || r[1] == 2)) {
            long requested = in.getInt(8) & 0xffffffffL;
            long lifetime = requested == 0 ? 0 : Math.min(requested, grantedLifetime);
            int internal = in.getShort(4) & 0xffff;
            return ByteBuffer.allocate(16).put((byte) 0).put((byte) (128 + r[1])).putShort((short) 0)
                    .putInt((int) epoch()).putShort((short) internal)
                    .putShort((short) (lifetime == 0 ? 0 : internal)).putInt((int) lifetime).array();
        }
        return ByteBuffer.allocate(4).put((byte) 0).put((byte) (128 + r[1])).putShort((short) 5).array();
    }

    @Override
    public void close() {
        socket.close();
    }
}
