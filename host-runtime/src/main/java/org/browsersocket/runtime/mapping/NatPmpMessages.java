package org.browsersocket.runtime.mapping;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** NAT-PMP (RFC 6886) messages: the external address request (§3.2) and mapping requests (§3.3). */
final class NatPmpMessages {
    static final int VERSION = 0;
    static final int OP_EXTERNAL_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    static final int OP_MAP_TCP = 2;
    static final int RESULT_SUCCESS = 0;
    static final int RESULT_UNSUPPORTED_VERSION = 1;

    private NatPmpMessages() {
    }

    /** The 2-byte external address request. */
    static byte[] externalAddressRequest() {
        return new byte[] {VERSION, OP_EXTERNAL_ADDRESS};
    }

    /** A mapping request; lifetime 0 with suggested external port 0 deletes the mapping. */
    record MapRequest(int opcode, int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        byte[] encode() {
            return ByteBuffer.allocate(12).put((byte) VERSION).put((byte) opcode).putShort((short) 0)
                    .putShort((short) internalPort).putShort((short) suggestedExternalPort)
                    .putInt((int) lifetimeSeconds).array();
        }
    }

    /** The answer to an external address request. */
    record ExternalAddressResponse(int resultCode, long epochSeconds, Inet4Address address) {
        static Optional<ExternalAddressResponse> parse(byte[] packet, int length) {
            if (length < 8 || packet[0] != VERSION || (packet[1] & 0xff) != 128 + OP_EXTERNAL_ADDRESS) {
                return Optional.empty();
            }
            ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
            int result = in.getShort(2) & 0xffff;
            long epoch = in.getInt(4) & 0xffffffffL;
            Inet4Address address = null;
            if (length >= 12 && result == RESULT_SUCCESS) {
                try {
                    address = (Inet4Address) InetAddress.getByAddress(java.util.Arrays.copyOfRange(packet, 8, 12));
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
            return Optional.of(new ExternalAddressResponse(result, epoch, address));
        }
    }

    /** The answer to a mapping request (16 bytes; 8 when the server reports an error early). */
    record MapResponse(int opcode, int resultCode, long epochSeconds, int internalPort, int externalPort,
                       long lifetimeSeconds) {
        static Optional<MapResponse> parse(byte[] packet, int length) {
            if (length < 8 || packet[0] != VERSION || (packet[1] & 0xff) < 128 + OP_MAP_UDP
                    || (packet[1] & 0xff) > 128 + OP_MAP_TCP) {
                return Optional.empty();
            }
            ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
            int result = in.getShort(2) & 0xffff;
            long epoch = in.getInt(4) & 0xffffffffL;
            if (length < 16) {
                return Optional.of(new MapResponse((packet[1] & 0xff) - 128, result, epoch, 0, 0, 0));
            }
            return Optional.of(new MapResponse((packet[1] & 0xff) - 128, result, epoch, in.getShort(8) & 0xffff,
                    in.getShort(10) & 0xffff, in.getInt(12) & 0xffffffffL));
        }
    }

    /** The RFC's name of a result code. */
    static String resultName(int code) {
        return switch (code) {
            case 0 -> "Success";
            case 1 -> "Unsupported Version";
            case 2 -> "Not Authorized/Refused";
            case 3 -> "Network Failure";
            case 4 -> "Out of resources";
            case 5 -> "Unsupported opcode";
            default -> "result " + code;
        };
    }
}
