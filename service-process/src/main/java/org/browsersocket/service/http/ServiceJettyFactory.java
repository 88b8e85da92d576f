package org.browsersocket.service.http;

import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import spark.ExceptionMapper;
import spark.embeddedserver.EmbeddedServer;
import spark.embeddedserver.EmbeddedServerFactory;
import spark.embeddedserver.EmbeddedServers;
import spark.http.matching.MatcherFilter;
import spark.route.Routes;
import spark.staticfiles.StaticFilesConfiguration;

/**
 * Makes Spark build its server as a {@link ServiceJetty}. Spark keeps server factories in one
 * JVM-wide registry and asks for the server on its own start-up thread, with no way to pass a
 * service's settings along; so this factory is registered once, and each start hands it the
 * settings of the service being started, one start at a time ({@link #starting}).
 */
final class ServiceJettyFactory implements EmbeddedServerFactory {

    /** The identifier a service names with {@code embeddedServerIdentifier(...)}. */
    static final Object IDENTIFIER = ServiceJettyFactory.class;

    private static final ServiceJettyFactory INSTANCE = new ServiceJettyFactory();
    private static final Object ONE_START_AT_A_TIME = new Object();
    private static boolean registered;

    /** What the next server is built from. */
    private record Settings(String name, Listen listen, Predicate<InetAddress> exempt) {}

    private volatile Settings next;

    private ServiceJettyFactory() {
    }

    /**
     * Runs {@code start} (which must start a Spark service named by {@link #IDENTIFIER} and wait
     * for it) while the server Spark asks for is built from these settings.
     */
    static <T> T starting(String name, Listen listen, Predicate<InetAddress> exempt, Callable<T> start)
            throws Exception {
        synchronized (ONE_START_AT_A_TIME) {
            if (!registered) {
                EmbeddedServers.add(IDENTIFIER, INSTANCE);
                registered = true;
            }
            INSTANCE.next = new Settings(name, listen, exempt);
            try {
                return start.call();
            } finally {
                INSTANCE.next = null;
            }
        }
    }

    @Override
    public EmbeddedServer create(Routes routes, StaticFilesConfiguration staticFiles,
                                 ExceptionMapper exceptionMapper, boolean hasMultipleHandlers) {
        Settings settings = next;
        if (settings == null) {
            throw new IllegalStateException("a service server is started through ServiceJettyFactory.starting");
        }
        MatcherFilter filter = new MatcherFilter(routes, staticFiles, exceptionMapper, false, hasMultipleHandlers);
        filter.init(null);
        return new ServiceJetty(settings.name(), settings.listen(), settings.exempt(), new SparkRoutes(filter));
    }
}
