package org.browsersocket.runtime.mapping;

import org.browsersocket.runtime.net.AddressText;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.jupnp.model.message.StreamRequestMessage;
import org.jupnp.model.message.StreamResponseMessage;
import org.jupnp.model.message.UpnpHeaders;
import org.jupnp.model.message.UpnpMessage;
import org.jupnp.model.message.UpnpResponse;
import org.jupnp.transport.spi.AbstractStreamClientConfiguration;
import org.jupnp.transport.spi.StreamClient;

/**
 * jUPnP's HTTP client (device descriptions, SOAP actions), HTTP/1.1 over a plain socket bound to
 * an address of one interface, the one toward the gateway: a device may only be reached on that
 * link (its address inside one of the interface's prefixes), never through a proxy or a route
 * elsewhere, whatever URL it announced. A request may also be sent {@link #via} another address of
 * the same device, e.g. the IPv6 firewall actions, which the gateway authorizes only when they come
 * from the IPv6 address the pinhole is for. Synchronous in the caller's thread, short timeouts.
 */
final class LinkStreamClient implements StreamClient<LinkStreamClient.Configuration> {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 4_000;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_BODY_BYTES = 512 * 1024;
    private final Configuration configuration;
    private final NetworkInterface link;
    private final Map<URI, Route> routes = new ConcurrentHashMap<>();

    /** Where a request goes and from which local address. */
    record Route(InetSocketAddress target, InetAddress local) {
    }

    LinkStreamClient(ExecutorService executor, NetworkInterface link) {
        this.configuration = new Configuration(executor);
        this.link = link;
    }

    /** From now on, requests for {@code uri} go to {@code route} instead of the URI's own host. */
    void via(URI uri, Route route) {
        routes.put(uri, route);
    }

    /** The route to {@code uri}'s host on the link; empty when that host is not on it. */
    Optional<Route> onLink(URI uri) {
        try {
            InetAddress host = InetAddress.getByName(uri.getHost());
            int port = uri.getPort() > 0 ? uri.getPort() : 80;
            return localAddressFor(host).map(local -> new Route(new InetSocketAddress(scoped(host), port), local));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // not an address
        }
    }

    /** The link's address in whose prefix {@code host} lies (any, for a link-local host); empty if none. */
    Optional<InetAddress> localAddressFor(InetAddress host) {
        if (host instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopedInterface() != null
                && !v6.getScopedInterface().getName().equals(link.getName())) {
            return Optional.empty(); // another link's
        }
        for (InterfaceAddress a : link.getInterfaceAddresses()) {
            if (a.getAddress().getClass() == host.getClass()
                    && sameNetwork(host.getAddress(), a.getAddress().getAddress(), a.getNetworkPrefixLength())) {
                return Optional.of(a.getAddress());
            }
        }
        return Optional.empty();
    }

    /** A link-local address scoped to the link (so it leaves there), any other as it is. */
    InetAddress scoped(InetAddress host) {
        try {
            return host instanceof Inet6Address v6 && v6.isLinkLocalAddress()
                    ? Inet6Address.getByAddress(null, v6.getAddress(), link) : host;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are always an IPv6 address
        }
    }

    /** Whether {@code address} is one of the link's own. */
    boolean isOwn(InetAddress address) {
        return link.getInterfaceAddresses().stream().anyMatch(a -> a.getAddress().equals(address)
                || java.util.Arrays.equals(a.getAddress().getAddress(), address.getAddress()));
    }

    static boolean sameNetwork(byte[] a, byte[] b, int prefix) {
        if (a.length != b.length || prefix < 0 || prefix > a.length * 8) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public StreamResponseMessage sendRequest(StreamRequestMessage request) {
        URI uri = request.getUri();
        Optional<Route> route = Optional.ofNullable(routes.get(uri)).or(() -> onLink(uri));
        return route.map(r -> send(request, r)).orElse(null); // null: jUPnP's way of saying "no response"
    }

    /** Sends {@code request} along {@code route}; null when nothing (or no HTTP) came back. */
    StreamResponseMessage send(StreamRequestMessage request, Route route) {
        if (!"http".equalsIgnoreCase(request.getUri().getScheme())) {
            return null;
        }
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(route.local(), 0));
            socket.connect(route.target(), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head(request, route.target()));
            out.write(body(request));
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] head(StreamRequestMessage request, InetSocketAddress target) {
        byte[] body = body(request);
        URI uri = request.getUri();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String host = target.getAddress() instanceof Inet6Address ? "[" + AddressText.of(target.getAddress()) + "]"
                : AddressText.of(target.getAddress());
        StringBuilder h = new StringBuilder(request.getOperation().getHttpMethodName()).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(target.getPort()).append("\r\n");
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("host") || name.equals("content-length") || name.equals("connection")
                    || name.equals("transfer-encoding")) {
                continue; // written here
            }
            for (String value : header.getValue()) {
                h.append(header.getKey()).append(": ").append(value.replaceAll("[\r\n]", " ")).append("\r\n");
            }
        }
        if (body.length > 0 || request.hasBody()) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return h.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] body(StreamRequestMessage request) {
        if (!request.hasBody()) {
            return new byte[0];
        }
        return request.getBodyType() == UpnpMessage.BodyType.STRING
                ? request.getBodyString().getBytes(request.getContentTypeCharset() != null
                        ? request.getContentTypeCharset() : StandardCharsets.UTF_8)
                : request.getBodyBytes();
    }

    private static StreamResponseMessage read(InputStream in) throws IOException {
        String[] status = line(in).split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response");
        }
        UpnpHeaders headers = new UpnpHeaders();
        int headerBytes = 0;
        long length = -1;
        boolean chunked = false;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            headerBytes += line.length();
            int colon = line.indexOf(':');
            if (headerBytes > MAX_HEADER_BYTES || colon <= 0) {
                throw new IOException("bad HTTP headers");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            headers.add(name, value);
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = chunked ? chunked(in) : length >= 0 ? exactly(in, length) : in.readNBytes(MAX_BODY_BYTES);
        StreamResponseMessage response = new StreamResponseMessage(
                new UpnpResponse(Integer.parseInt(status[1]), status.length > 2 ? status[2] : ""));
        response.setHeaders(headers);
        if (body.length > 0) {
            if (response.isContentTypeMissingOrText()) {
                response.setBodyCharacters(body);
            } else {
                response.setBody(UpnpMessage.BodyType.BYTES, body);
            }
        }
        return response;
    }

    private static byte[] exactly(InputStream in, long length) throws IOException {
        if (length > MAX_BODY_BYTES) {
            throw new IOException("body too large");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("body cut short");
        }
        return body;
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            long n = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            if (body.size() + n > MAX_BODY_BYTES) {
                throw new IOException("body too large");
            }
            body.write(exactly(in, n));
            line(in); // the CRLF after the chunk
        }
    }

    /** One header line without its CRLF (ISO-8859-1). */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (s.length() > MAX_HEADER_BYTES) {
                throw new IOException("line too long");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void stop() {
        // no connections are kept
    }

    @Override
    public Configuration getConfiguration() {
        return configuration;
    }

    /** Timeouts as jUPnP reads them. */
    static final class Configuration extends AbstractStreamClientConfiguration {
        Configuration(ExecutorService executor) {
            super(executor, READ_TIMEOUT_MILLIS / 1000 + 1);
        }
    }
}
