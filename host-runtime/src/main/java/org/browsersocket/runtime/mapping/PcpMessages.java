package org.browsersocket.runtime.mapping;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * PCP (RFC 6887) messages: the common request and response headers (§7.1, §7.2), the MAP opcode
 * (§11.1) and ANNOUNCE (§14.1). Addresses travel as 16 bytes, IPv4 ones IPv4-mapped (§5).
 */
final class PcpMessages {
    static final int VERSION = 2;
    static final int OP_ANNOUNCE = 0;
    static final int OP_MAP = 1;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;
    static final int HEADER_BYTES = 24;
    static final int MAP_BYTES = HEADER_BYTES + 36;
    static final int RESULT_SUCCESS = 0;
    static final int RESULT_UNSUPP_VERSION = 1;

    private PcpMessages() {
    }

    /** A MAP request; lifetime 0 deletes the mapping of the same nonce. */
    record MapRequest(long lifetimeSeconds, InetAddress clientAddress, byte[] nonce, int protocol, int internalPort,
                      int suggestedExternalPort, InetAddress suggestedExternalAddress) {
        MapRequest {
            if (nonce.length != 12) {
                throw new IllegalArgumentException("the mapping nonce has 96 bits");
            }
        }

        byte[] encode() {
            ByteBuffer out = header(OP_MAP, lifetimeSeconds, clientAddress, MAP_BYTES);
            out.put(nonce).put((byte) protocol).put(new byte[3]).putShort((short) internalPort)
                    .putShort((short) suggestedExternalPort).put(addressField(suggestedExternalAddress));
            return out.array();
        }
    }

    /** An ANNOUNCE request: asks the server for its epoch. */
    static byte[] announceRequest(InetAddress clientAddress) {
        return header(OP_ANNOUNCE, 0, clientAddress, HEADER_BYTES).array();
    }

    private static ByteBuffer header(int opcode, long lifetime, InetAddress client, int size) {
        return ByteBuffer.allocate(size).put((byte) VERSION).put((byte) opcode).putShort((short) 0)
                .putInt((int) lifetime).put(addressField(client));
    }

    /** The common response header; {@code version} is 0 when a NAT-PMP server answered. */
    record Response(int version, int opcode, int resultCode, long lifetimeSeconds, long epochSeconds) {
        static Optional<Response> parse(byte[] packet, int length) {
            if (length >= 4 && packet[0] == NatPmpMessages.VERSION && (packet[1] & 0x80) != 0) {
                // a NAT-PMP-only server: "unsupported version" and its epoch
                ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
                return Optional.of(new Response(0, (packet[1] & 0x7f), in.getShort(2) & 0xffff, 0,
                        length >= 8 ? in.getInt(4) & 0xffffffffL : 0));
            }
            if (length < HEADER_BYTES || length % 4 != 0 || packet[0] != VERSION || (packet[1] & 0x80) == 0) {
                return Optional.empty();
            }
            ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
            return Optional.of(new Response(VERSION, packet[1] & 0x7f, packet[3] & 0xff, in.getInt(4) & 0xffffffffL,
                    in.getInt(8) & 0xffffffffL));
        }
    }

    /** A MAP response: the header's fields and the assigned external port and address. */
    record MapResponse(int resultCode, long lifetimeSeconds, long epochSeconds, byte[] nonce, int protocol,
                       int internalPort, int externalPort, InetAddress externalAddress) {
        static Optional<MapResponse> parse(byte[] packet, int length) {
            Optional<Response> header = Response.parse(packet, length);
            if (header.isEmpty() || header.get().version() != VERSION || header.get().opcode() != OP_MAP
                    || length < MAP_BYTES) {
                return Optional.empty();
            }
            ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
            Response h = header.get();
            return Optional.of(new MapResponse(h.resultCode(), h.lifetimeSeconds(), h.epochSeconds(),
                    Arrays.copyOfRange(packet, 24, 36), packet[36] & 0xff, in.getShort(40) & 0xffff,
                    in.getShort(42) & 0xffff, fromField(packet, 44)));
        }
    }

    /** 16 bytes: IPv6 as is, IPv4 as {@code ::ffff:a.b.c.d}, null as all zeros ({@code ::}). */
    static byte[] addressField(InetAddress address) {
        byte[] field = new byte[16];
        if (address instanceof Inet4Address) {
            field[10] = (byte) 0xff;
            field[11] = (byte) 0xff;
            System.arraycopy(address.getAddress(), 0, field, 12, 4);
        } else if (address != null) {
            System.arraycopy(address.getAddress(), 0, field, 0, 16);
        }
        return field;
    }

    /** The address in a 16-byte field; IPv4-mapped ones come back as IPv4 addresses. */
    static InetAddress fromField(byte[] packet, int offset) {
        try {
            // InetAddress turns ::ffff:a.b.c.d into an Inet4Address by itself
            return InetAddress.getByAddress(Arrays.copyOfRange(packet, offset, offset + 16));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The RFC's name of a result code (§7.4). */
    static String resultName(int code) {
        return switch (code) {
            case 0 -> "SUCCESS";
            case 1 -> "UNSUPP_VERSION";
            case 2 -> "NOT_AUTHORIZED";
            case 3 -> "MALFORMED_REQUEST";
            case 4 -> "UNSUPP_OPCODE";
            case 5 -> "UNSUPP_OPTION";
            case 6 -> "MALFORMED_OPTION";
            case 7 -> "NETWORK_FAILURE";
            case 8 -> "NO_RESOURCES";
            case 9 -> "UNSUPP_PROTOCOL";
            case 10 -> "USER_EX_QUOTA";
            case 11 -> "CANNOT_PROVIDE_EXTERNAL";
            case 12 -> "ADDRESS_MISMATCH";
            case 13 -> "EXCESSIVE_REMOTE_PEERS";
            default -> "result " + code;
        };
    }
}
