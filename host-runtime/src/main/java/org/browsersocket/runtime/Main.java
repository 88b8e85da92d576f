package org.browsersocket.runtime;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.ReleaseVersion;
import org.browsersocket.runtime.extension.NativeHostInstaller;
import org.browsersocket.runtime.limits.PeerLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar host-runtime.jar}: runs the host runtime until SIGTERM or Ctrl-C. */
@Command(name = "host-runtime", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true, description = "Lets pages on allowed origins listen for WebSocket connections.")
public final class Main {
    @Option(names = "--control-port", paramLabel = "PORT", description = "Loopback port for browsersocket.js, "
            + "the status page and control channels (0 = any free). Default: ${DEFAULT-VALUE}.")
    int controlPort = RuntimeConfig.DEFAULT_CONTROL_PORT;

    @Option(names = "--public-port", paramLabel = "PORT", description = "Port peers connect to, IPv4 and IPv6 "
            + "(0 = any free). Default: ${DEFAULT-VALUE}.")
    int publicPort = RuntimeConfig.DEFAULT_PUBLIC_PORT;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", description = "Origin allowed to open listeners "
            + "without asking, e.g. http://localhost:8080. Repeatable. Other origins wait until the user "
            + "allows or denies them on the status page. Default: none.")
    List<String> allowOrigins = new ArrayList<>();

    @Option(names = "--config-dir", paramLabel = "DIR", description = "Where the user's decisions (consent.json) "
            + "and the native-messaging host's connection file live. Default: $XDG_CONFIG_HOME/browsersocket "
            + "or ~/.config/browsersocket.")
    Path configDir = RuntimeConfig.defaultConfigDir();

    @Option(names = "--consent-timeout", paramLabel = "SECONDS", description = "How long a page of an origin "
            + "not yet allowed waits for the user's answer. Default: ${DEFAULT-VALUE}.")
    int consentTimeoutSeconds = (int) RuntimeConfig.DEFAULT_CONSENT_TIMEOUT.toSeconds();

    @Option(names = "--install-native-host", description = "Install the native-messaging host that lets the "
            + "BrowserSocket browser extension reach this runtime (for Chromium and Google Chrome, "
            + "or the --native-host-dir directories), then exit.")
    boolean installNativeHost;

    @Option(names = "--native-host-dir", paramLabel = "DIR", description = "With --install-native-host: a "
            + "browser's NativeMessagingHosts directory to install into instead of the usual ones. Repeatable.")
    List<Path> nativeHostDirs = new ArrayList<>();

    @Option(names = "--extension-id", paramLabel = "ID", description = "With --install-native-host: the "
            + "Chromium extension ID allowed to connect. Default: the BrowserSocket extension's.")
    String extensionId = org.browsersocket.packaging.ExtensionPackage.ID;

    @Option(names = "--max-message-bytes", paramLabel = "BYTES", description = "Largest message relayed; a peer "
            + "sending more is closed with 1009. Default: ${DEFAULT-VALUE}.")
    int maxMessageBytes = RuntimeConfig.DEFAULT_MAX_MESSAGE_BYTES;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", description = "A peer must complete its "
            + "WebSocket upgrade request within this. Default: ${DEFAULT-VALUE}.")
    int handshakeTimeoutSeconds = (int) PeerLimits.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds();

    @Option(names = "--message-timeout", paramLabel = "SECONDS", description = "A message a peer started "
            + "must be complete within this. Default: ${DEFAULT-VALUE}.")
    int messageTimeoutSeconds = (int) PeerLimits.DEFAULT_MESSAGE_TIMEOUT.toSeconds();

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "A silent peer is pinged after "
            + "this, and closed after twice this. Default: ${DEFAULT-VALUE}.")
    int idleTimeoutSeconds = (int) PeerLimits.DEFAULT_IDLE_TIMEOUT.toSeconds();

    @Option(names = "--max-connections-per-address", paramLabel = "N", description = "Connections one IPv4 "
            + "address or IPv6 /64 may hold on the public port. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerAddress = PeerLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

    @Option(names = "--max-public-connections", paramLabel = "N", description = "Connections on the public "
            + "port altogether (new ones are also shed while file descriptors run short). Default: ${DEFAULT-VALUE}.")
    int maxPublicConnections = PeerLimits.DEFAULT_MAX_PUBLIC_CONNECTIONS;

    @Option(names = "--memory-budget", paramLabel = "MIB", description = "Memory held for peers at once "
            + "(messages arriving, messages peers are slow to read); a peer that would exceed it is closed "
            + "(1013 or 1008). Default: a quarter of the maximum heap, here ${DEFAULT-VALUE} MiB.")
    long memoryBudgetMegabytes = PeerLimits.defaultMemoryBudget() >> 20;

    @Option(names = "--max-listeners-per-page", paramLabel = "N", description = "Listeners (BrowserSocket "
            + "servers) one page may have open at once; more are refused. Default: ${DEFAULT-VALUE}.")
    int maxListenersPerPage = 16;

    @Option(names = "--max-connections-per-listener", paramLabel = "N", description = "Peer connections one "
            + "listener may hold at once; further peers are refused. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerListener = 20_000;

    @Option(names = "--http-response-timeout", paramLabel = "SECONDS", description = "An HTTP request to a page "
            + "gets 504 if the page has not begun its response within this (and is cut off if its body then "
            + "stalls as long). Default: ${DEFAULT-VALUE}.")
    int httpResponseTimeoutSeconds = (int) org.browsersocket.runtime.limits.HttpLimits.DEFAULT_RESPONSE_TIMEOUT.toSeconds();

    @Option(names = "--max-request-body", paramLabel = "MIB", description = "Largest body of an HTTP request to a "
            + "page; larger ones get 413. Default: ${DEFAULT-VALUE}.")
    long maxRequestBodyMegabytes = org.browsersocket.runtime.limits.HttpLimits.DEFAULT_MAX_REQUEST_BODY_BYTES >> 20;

    @Option(names = "--io-threads", paramLabel = "N", description = "Event-loop threads for the public and "
            + "control ports' connections (accepting has one more). Default: half the cores, at least 1: "
            + "${DEFAULT-VALUE}.")
    int ioThreads = IoSettings.DEFAULT_THREADS;

    @Option(names = "--transport", paramLabel = "KIND", description = "Network transport: auto (Linux's epoll "
            + "where available, else Java NIO), epoll or nio. Default: ${DEFAULT-VALUE}.")
    String transport = "auto";

    @Option(names = "--no-port-mapping", description = "Do not ask the gateway (PCP, NAT-PMP, UPnP-IGD) to map "
            + "the public port. By default the runtime asks, and renews the mapping until it stops.")
    boolean noPortMapping;

    @Option(names = "--relay", description = "Serve as a relay: runtimes behind NATs register here (--via-relay) "
            + "and their pages become reachable through this runtime's public port.")
    boolean relay;

    @Option(names = "--relay-token", paramLabel = "TOKEN", description = "With --relay: registrants must present "
            + "this token (a private relay; without it the relay is open, with per-registrant limits). With "
            + "--via-relay: the token presented to the relays.")
    String relayToken;

    @Option(names = "--via-relay", paramLabel = "URL", description = "Register with the relay whose public port "
            + "is at URL (ws://HOST:PORT or wss://HOST:PORT), so that peers that cannot reach this machine reach "
            + "its pages through the relay. Repeatable.")
    List<java.net.URI> viaRelays = new ArrayList<>();

    @Option(names = "--relay-max-registrants", paramLabel = "N", description = "With --relay: runtimes registered "
            + "at once. Default: ${DEFAULT-VALUE}.")
    int relayMaxRegistrants = org.browsersocket.runtime.relay.RelayLimits.defaults().maxRegistrants();

    @Option(names = "--relay-max-connections", paramLabel = "N", description = "With --relay: peers relayed to one "
            + "registrant at once; more get 503. Default: ${DEFAULT-VALUE}.")
    int relayMaxConnections = org.browsersocket.runtime.relay.RelayLimits.defaults().maxConnections();

    @Option(names = "--relay-kib-per-second", paramLabel = "KIB", description = "With --relay: bytes relayed for one "
            + "registrant per second (both directions, in KiB); its peers are slowed down beyond it. Default: ${DEFAULT-VALUE}.")
    long relayKibPerSecond = org.browsersocket.runtime.relay.RelayLimits.defaults().bytesPerSecond() >> 10;

    @Option(names = "--relay-max-request-kib", paramLabel = "KIB", description = "With --relay: the largest request "
            + "body passed on to a registrant's page (in KiB); larger ones get 413. Default: ${DEFAULT-VALUE}.")
    long relayMaxRequestKib = org.browsersocket.runtime.relay.RelayLimits.DEFAULT_REQUEST_BODY_BYTES >> 10;

    @Option(names = "--relay-cache-dir", paramLabel = "DIR", description = "With --relay: where the relay keeps "
            + "copies of what its registrants' pages answer over plain HTTP, as a shared HTTP cache that serves "
            + "them while a page is away and survives restarts. Default: $XDG_STATE_HOME/browsersocket/relay-cache "
            + "or ~/.local/state/browsersocket/relay-cache.")
    Path relayCacheDir = org.browsersocket.runtime.relay.RelayCacheLimits.defaultDir();

    @Option(names = "--relay-cache-mib-per-registrant", paramLabel = "MIB", description = "With --relay: what one "
            + "registrant's pages may keep in the relay cache; the least recently used go first. Default: ${DEFAULT-VALUE}.")
    long relayCacheMibPerRegistrant = org.browsersocket.runtime.relay.RelayCacheLimits.DEFAULT_MIB_PER_REGISTRANT;

    @Option(names = "--relay-cache-mib", paramLabel = "MIB", description = "With --relay: the relay cache's size "
            + "altogether. Default: ${DEFAULT-VALUE}.")
    long relayCacheMib = org.browsersocket.runtime.relay.RelayCacheLimits.DEFAULT_MIB;

    @Option(names = "--relay-cache-entry-mib", paramLabel = "MIB", description = "With --relay: the largest single "
            + "response the relay cache keeps. Default: ${DEFAULT-VALUE}.")
    long relayCacheEntryMib = org.browsersocket.runtime.relay.RelayCacheLimits.DEFAULT_ENTRY_MIB;

    @Option(names = "--no-relay-cache", description = "With --relay: keep no copies of what pages answer (plain HTTP "
            + "requests are still passed on to them, and fail while a page is away).")
    boolean noRelayCache;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for the public port, "
            + "which then serves wss:// (pages on https origins can only open wss:// URLs). Needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--relay-trust", paramLabel = "FILE", description = "PEM certificates to trust, besides the "
            + "system's, for wss:// relays of --via-relay (e.g. a relay's self-signed certificate).")
    Path relayTrust;

    public static void main(String[] args) {
        int exit = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (exit != Integer.MIN_VALUE) {
            System.exit(exit);
        }
        try {
            new java.util.concurrent.CountDownLatch(1).await(); // the I/O threads are daemons; SIGTERM ends us
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parses the flags and starts the runtime. Returns an exit code for a finished command (help,
     * bad flag, busy port), or {@code Integer.MIN_VALUE} once the runtime runs (it then stops on SIGTERM).
     */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cli = HelpLayout.applyTo(new CommandLine(main)).setOut(out).setErr(err);
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
        } catch (CommandLine.ParameterException e) {
            err.println("host-runtime: " + e.getMessage() + " (see --help)");
            return 2;
        }
        String invalid = main.validate();
        if (invalid != null) {
            err.println("host-runtime: " + invalid);
            return 2;
        }
        if (main.installNativeHost) {
            return NativeHostInstaller.run(main.configDir, main.nativeHostDirs, main.extensionId, out, err);
        }
        configureLogging();
        RuntimeConfig config = new RuntimeConfig(main.controlPort, main.publicPort,
                new LinkedHashSet<>(main.allowOrigins), main.maxMessageBytes, main.maxListenersPerPage,
                main.maxConnectionsPerListener, 5_000, main.configDir, Duration.ofSeconds(main.consentTimeoutSeconds),
                new PeerLimits(Duration.ofSeconds(main.handshakeTimeoutSeconds), Duration.ofSeconds(main.messageTimeoutSeconds),
                        Duration.ofSeconds(main.idleTimeoutSeconds), main.maxConnectionsPerAddress,
                        main.maxPublicConnections, main.memoryBudgetMegabytes * 1024L * 1024L,
                        new org.browsersocket.runtime.limits.HttpLimits(Duration.ofSeconds(main.httpResponseTimeoutSeconds),
                                main.maxRequestBodyMegabytes << 20, org.browsersocket.runtime.limits.HttpLimits.DEFAULT_MAX_HEADER_BYTES)),
                new ReachabilityConfig(!main.noPortMapping, main.relay, main.relayToken, main.viaRelays,
                        main.tlsCert, main.tlsKey, main.relayTrust,
                        new org.browsersocket.runtime.relay.RelayLimits(main.relayMaxRegistrants,
                                org.browsersocket.runtime.relay.RelayLimits.defaults().maxRoutes(), main.relayMaxConnections,
                                main.relayKibPerSecond << 10, org.browsersocket.runtime.relay.RelayLimits.defaults().reclaim())
                                .withRequestBodyBytes(main.relayMaxRequestKib << 10)
                                .withCache(main.noRelayCache ? null : new org.browsersocket.runtime.relay.RelayCacheLimits(
                                        main.relayCacheDir, main.relayCacheMibPerRegistrant << 20, main.relayCacheMib << 20,
                                        main.relayCacheEntryMib << 20))),
                new IoSettings(main.transportKind(), main.ioThreads));
        HostRuntime runtime;
        try {
            runtime = HostRuntime.start(config);
        } catch (BindException e) {
            err.println("host-runtime: cannot listen on " + BusyPort.describe(main.controlPort, main.publicPort)
                    + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("host-runtime: " + e.getMessage()); // e.g. an unusable certificate or key: says what to do
            return 1;
        } catch (Exception e) {
            err.println("host-runtime: cannot start: " + e);
            return 1;
        }
        runtime.boundAddresses().forEach(line -> out.println("host-runtime listening: " + line));
        out.println("host-runtime: network I/O on " + runtime.transport().name() + ", " + config.io().threads()
                + " event-loop thread" + (config.io().threads() == 1 ? "" : "s") + " (--transport, --io-threads)");
        ReachabilityConfig reach = config.reach();
        if (reach.relay()) {
            out.println("host-runtime: serving as " + (reach.relayToken() == null ? "an open relay (any runtime may register,"
                    + " within per-registrant limits)" : "a private relay (registrants present --relay-token)"));
            var cache = reach.relayLimits().cache();
            out.println(cache == null ? "host-runtime: relay cache off (--no-relay-cache)"
                    : "host-runtime: relay cache in " + cache.dir() + " (" + (cache.bytesPerRegistrant() >> 20)
                    + " MiB per registrant, " + (cache.bytes() >> 20) + " MiB in all)");
        }
        reach.viaRelays().forEach(relay -> out.println("host-runtime: registering with the relay " + relay));
        if (!reach.portMapping()) {
            out.println("host-runtime: port mapping off (--no-port-mapping)");
        }
        if (!config.allowedOrigins().isEmpty()) {
            out.println("host-runtime: origins allowed to listen: " + String.join(", ", config.allowedOrigins()));
        }
        out.println("host-runtime: other sites ask first; allow or deny them at " + runtime.controlUrl() + "/"
                + " (decisions kept in " + config.configDir().resolve("consent.json") + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            out.println("host-runtime: stopped");
        }, "bs-shutdown"));
        // SIGTERM and Ctrl-C are how the runtime is asked to stop: a clean stop, exit status 0.
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> System.exit(0));
        }
        return Integer.MIN_VALUE;
    }

    private String validate() {
        for (int port : new int[] {controlPort, publicPort}) {
            if (port < 0 || port > 65535) {
                return "port " + port + " is outside 0..65535";
            }
        }
        for (String origin : allowOrigins) {
            if (!org.browsersocket.runtime.consent.Origins.isOrigin(origin)) {
                return "--allow-origin " + origin + " is not an http(s) origin (scheme://host[:port], no path)";
            }
        }
        if (consentTimeoutSeconds < 1 || handshakeTimeoutSeconds < 1 || messageTimeoutSeconds < 1 || idleTimeoutSeconds < 1
                || httpResponseTimeoutSeconds < 1) {
            return "timeouts must be at least 1 second";
        }
        if (maxConnectionsPerAddress < 1 || maxPublicConnections < 1 || memoryBudgetMegabytes < 1 || maxRequestBodyMegabytes < 1) {
            return "connection caps and the memory budget must be at least 1";
        }
        if (maxMessageBytes < 1 || maxListenersPerPage < 1 || maxConnectionsPerListener < 1) {
            return "limits must be at least 1";
        }
        if (relayMaxRegistrants < 1 || relayMaxConnections < 1 || relayKibPerSecond < 1 || relayMaxRequestKib < 1
                || relayCacheMibPerRegistrant < 1 || relayCacheMib < 1 || relayCacheEntryMib < 1) {
            return "relay limits must be at least 1";
        }
        if (relayCacheMibPerRegistrant > (1L << 40) || relayCacheMib > (1L << 40) || relayCacheEntryMib > (1L << 40)
                || relayMaxRequestKib > (1L << 40)) {
            return "relay sizes must be at most 2^40";
        }
        if (ioThreads < 1 || ioThreads > 256) {
            return "--io-threads must be 1 to 256";
        }
        if (transportKind() == null) {
            return "--transport must be auto, epoll or nio";
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            return "--tls-cert and --tls-key go together";
        }
        for (Path file : new Path[] {tlsCert, tlsKey, relayTrust}) {
            if (file != null && !java.nio.file.Files.isReadable(file)) {
                return "cannot read " + file;
            }
        }
        for (java.net.URI relayUrl : viaRelays) {
            if (!("ws".equals(relayUrl.getScheme()) || "wss".equals(relayUrl.getScheme())) || relayUrl.getHost() == null
                    || (relayUrl.getPath() != null && !relayUrl.getPath().isEmpty() && !relayUrl.getPath().equals("/"))) {
                return "--via-relay " + relayUrl + " is not ws://HOST:PORT or wss://HOST:PORT";
            }
        }
        if (relayToken != null && (relayToken.length() < 8 || relayToken.length() > 256 || !relayToken.matches("[\\x21-\\x7e]+"))) {
            return "--relay-token must be 8 to 256 printable characters without spaces";
        }
        return null;
    }

    private Transport.Kind transportKind() {
        return switch (transport.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Transport.Kind.AUTO;
            case "epoll" -> Transport.Kind.EPOLL;
            case "nio" -> Transport.Kind.NIO;
            default -> null;
        };
    }

    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
            try {
                LogManager.getLogManager().readConfiguration();
            } catch (java.io.IOException ignored) {
                // keep the JVM's default format
            }
        }
    }
}
