package org.browsersocket.runtime.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.jupnp.model.message.StreamRequestMessage;
import org.jupnp.model.message.StreamResponseMessage;
import org.jupnp.model.message.UpnpHeaders;
import org.jupnp.model.message.UpnpMessage;
import org.jupnp.model.message.UpnpResponse;
import org.jupnp.transport.spi.AbstractStreamClientConfiguration;
import org.jupnp.transport.spi.StreamClient;

/**
 * jUPnP's HTTP client (device descriptions, SOAP actions) on the JDK's {@link HttpURLConnection},
 * synchronous in the caller's thread, never through a proxy, with short timeouts.
 */
final class JdkStreamClient implements StreamClient<JdkStreamClient.Configuration> {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 4_000;
    private static final int MAX_BODY_BYTES = 512 * 1024;
    private final Configuration configuration;

    JdkStreamClient(ExecutorService executor) {
        configuration = new Configuration(executor);
    }

    @Override
    public StreamResponseMessage sendRequest(StreamRequestMessage request) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) request.getUri().toURL().openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            c.setReadTimeout(READ_TIMEOUT_MILLIS);
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(request.getOperation().getHttpMethodName());
            for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
                for (String value : header.getValue()) {
                    c.addRequestProperty(header.getKey(), value);
                }
            }
            if (request.hasBody()) {
                byte[] body = request.getBodyType() == UpnpMessage.BodyType.STRING
                        ? request.getBodyString().getBytes(request.getContentTypeCharset() != null
                                ? request.getContentTypeCharset() : java.nio.charset.StandardCharsets.UTF_8)
                        : request.getBodyBytes();
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            StreamResponseMessage response = new StreamResponseMessage(new UpnpResponse(status, c.getResponseMessage()));
            UpnpHeaders headers = new UpnpHeaders();
            c.getHeaderFields().forEach((name, values) -> {
                if (name != null) {
                    headers.put(name, values);
                }
            });
            response.setHeaders(headers);
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES);
            if (body.length > 0) {
                if (response.isContentTypeMissingOrText()) {
                    response.setBodyCharacters(body);
                } else {
                    response.setBody(UpnpMessage.BodyType.BYTES, body);
                }
            }
            return response;
        } catch (IOException e) {
            return null; // jUPnP's way of saying: no response
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
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
