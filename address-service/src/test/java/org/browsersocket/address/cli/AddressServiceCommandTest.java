package org.browsersocket.address.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.browsersocket.address.http.AddressServer;
import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.service.testing.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** address-service's own command line; what every service shares is tested in service-process. */
class AddressServiceCommandTest {

    /** Runs the command line; only a run that starts a server needs closing. */
    private static CommandRun<AddressServer> run(String... args) {
        return CommandRun.of(new AddressServiceCommand(), args);
    }

    @Test
    void helpDescribesTheServiceItsDefaultPortAndTrustedProxies() {
        CommandRun<AddressServer> help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.outUnwrapped().startsWith(
                "Usage: address-service [-hV] [--port=PORT] [--proxy-header=HEADER] [--bind=ADDRESS]..."
                + " [--trusted-proxy=CIDR]..."), help.out());
        assertTrue(help.outUnwrapped().contains("Tells a caller its external IPv4/IPv6 address"),
                help.out());
        assertTrue(help.outUnwrapped().contains("(default: 7050;"), help.out());
    }

    @Test
    void versionIsAddressServices() {
        assertTrue(run("--version").out().startsWith("BrowserSocket address-service "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "not-an-address", "10.1.2.3/8", "10.0.0.*", "", "2001:db8::/129"})
    void aMalformedTrustedProxyIsRejectedOnOneLine(String cidr) {
        CommandRun<AddressServer> rejected = run("--port=0", "--trusted-proxy", cidr);
        rejected.assertFailedWithOneLine("address-service");
        assertTrue(rejected.err().contains("Invalid value for option '--trusted-proxy' (CIDR)"),
                rejected.err());
    }

    @Test
    void hostBitsInATrustedProxyAreReportedWithTheBlockMeant() {
        String error = run("--trusted-proxy=10.1.2.3/8").err();
        assertTrue(error.contains("did you mean 10.0.0.0/8?"), error);
    }

    @Test
    void theDiscoveryServicesStoreIsNotAnAddressServiceFlag() {
        run("--store=embedded:x").assertFailedWithOneLine("address-service");
    }

    @Test
    void startsAsAddressServiceAndKeepsTheTrustedProxiesInOrder() {
        try (CommandRun<AddressServer> run = run("--port", "0", "--trusted-proxy", "10.0.0.0/8",
                "--trusted-proxy", "2001:db8::/32")) {
            run.assertRunning();
            assertEquals("[10.0.0.0/8, 2001:db8::/32]", run.server().trustedProxies().toString());
            assertTrue(run.out().lines().allMatch(line -> line.startsWith("address-service listening on ")),
                    run.out());
        }
    }

    @Test
    void theProxyHeaderIsXForwardedForUnlessForwardedIsAskedFor() {
        try (CommandRun<AddressServer> run = run("--port=0")) {
            run.assertRunning();
            assertEquals(ForwardingHeader.X_FORWARDED_FOR, run.server().forwardingHeader());
        }
        try (CommandRun<AddressServer> run = run("--port=0", "--trusted-proxy=10.0.0.0/8", "--proxy-header", "forwarded")) {
            run.assertRunning();
            assertEquals(ForwardingHeader.FORWARDED, run.server().forwardingHeader());
        }
    }

    @Test
    void aProxyHeaderOtherThanTheTwoIsRejectedOnOneLine() {
        CommandRun<AddressServer> rejected = run("--port=0", "--proxy-header", "X-Real-IP");
        rejected.assertFailedWithOneLine("address-service");
        assertTrue(rejected.err().contains("'X-Real-IP' is not X-Forwarded-For or Forwarded"), rejected.err());
    }

    @Test
    void bindListensOnTheLoopbackAddressesGiven() {
        try (CommandRun<AddressServer> run = run("--port=0", "--bind", "127.0.0.1", "--bind", "::1")) {
            run.assertRunning();
            int port = run.server().port();
            assertEquals(List.of("address-service listening on http://127.0.0.1:" + port + " (IPv4)",
                    "address-service listening on http://[::1]:" + port + " (IPv6)"), run.out().lines().toList());
        }
    }

    @Test
    void withoutTrustedProxiesNoneAreKept() {
        try (CommandRun<AddressServer> run = run("--port=0")) {
            run.assertRunning();
            assertEquals(List.of(), run.server().trustedProxies());
        }
    }
}
