package org.browsersocket.browser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a {@link Chromium} starts with beyond its defaults: public-looking names mapped to
 * 127.0.0.1, loopback ports whose IP address space is overridden to public (so pages served there
 * are subject to Local Network Access like real internet pages), test CAs to trust, an unpacked
 * extension to load, extra switches, and whether to record the browser's console log.
 * Immutable; each {@code with}-style method returns a changed copy.
 */
public record ChromiumOptions(List<String> mappedHosts, List<Integer> publicPorts, List<String> trustedSpki,
                              Path extension, List<String> arguments, boolean browserLog) {

    public ChromiumOptions {
        mappedHosts = List.copyOf(mappedHosts);
        publicPorts = List.copyOf(publicPorts);
        trustedSpki = List.copyOf(trustedSpki);
        arguments = List.copyOf(arguments);
    }

    /** What {@link Chromium#start()} uses: nothing extra. */
    public static ChromiumOptions defaults() {
        return new ChromiumOptions(List.of(), List.of(), List.of(), null, List.of(), false);
    }

    /** Resolves {@code hostname} to 127.0.0.1 (other names resolve as usual). */
    public ChromiumOptions mapHost(String hostname) {
        return new ChromiumOptions(plus(mappedHosts, hostname), publicPorts, trustedSpki, extension, arguments, browserLog);
    }

    /** Treats 127.0.0.1:{@code port} as a public address (IP address space override). */
    public ChromiumOptions publicPort(int port) {
        return new ChromiumOptions(mappedHosts, plus(publicPorts, port), trustedSpki, extension, arguments, browserLog);
    }

    /** Maps the site's name to 127.0.0.1 and makes its port public. */
    public ChromiumOptions publicSite(PublicSite site) {
        return mapHost(site.hostname()).publicPort(site.port());
    }

    /** Trusts every certificate that {@code ca} issues. */
    public ChromiumOptions trust(TestCertificateAuthority ca) {
        return trustSpki(ca.spkiSha256());
    }

    /** Trusts chains containing a key with this base64 SHA-256 SPKI hash. */
    public ChromiumOptions trustSpki(String spkiSha256) {
        return new ChromiumOptions(mappedHosts, publicPorts, plus(trustedSpki, spkiSha256), extension, arguments, browserLog);
    }

    /**
     * Loads the unpacked (Manifest V3) extension in {@code directory} at start, with
     * {@code --load-extension} (Debian's Chromium 156 honours it even headless; the
     * {@code DisableLoadExtensionCommandLineSwitch} feature that would ignore it is disabled too).
     */
    public ChromiumOptions extension(Path directory) {
        return new ChromiumOptions(mappedHosts, publicPorts, trustedSpki, directory.toAbsolutePath(), arguments, browserLog);
    }

    /** Adds raw Chromium switches. */
    public ChromiumOptions argument(String... switches) {
        List<String> all = new ArrayList<>(arguments);
        all.addAll(List.of(switches));
        return new ChromiumOptions(mappedHosts, publicPorts, trustedSpki, extension, all, browserLog);
    }

    /** Records the browser's console log (read it with {@link Chromium#browserLog()}). */
    public ChromiumOptions browserLog(boolean record) {
        return new ChromiumOptions(mappedHosts, publicPorts, trustedSpki, extension, arguments, record);
    }

    /** The Chromium switches these options add. */
    public List<String> switches() {
        List<String> switches = new ArrayList<>();
        if (!mappedHosts.isEmpty()) {
            switches.add("--host-resolver-rules=" + mappedHosts.stream().distinct()
                    .map(h -> "MAP " + h + " 127.0.0.1").collect(Collectors.joining(", ")));
        }
        if (!publicPorts.isEmpty()) {
            switches.add("--ip-address-space-overrides=" + publicPorts.stream().distinct()
                    .map(p -> "127.0.0.1:" + p + "=public").collect(Collectors.joining(",")));
        }
        if (!trustedSpki.isEmpty()) {
            switches.add("--ignore-certificate-errors-spki-list=" + String.join(",", trustedSpki.stream().distinct().toList()));
        }
        if (extension != null) {
            switches.add("--disable-features=DisableLoadExtensionCommandLineSwitch");
            switches.add("--load-extension=" + extension);
        }
        switches.addAll(arguments);
        return switches;
    }

    /**
     * The ID Chromium gives an extension whose manifest {@code "key"} is this DER SubjectPublicKeyInfo
     * (base64 in the manifest): the first 32 hex digits of its SHA-256, with 0-f written as a-p.
     */
    public static String extensionId(byte[] derPublicKey) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(derPublicKey);
            StringBuilder id = new StringBuilder(32);
            for (int i = 0; i < 16; i++) {
                id.append((char) ('a' + ((hash[i] >> 4) & 0xf))).append((char) ('a' + (hash[i] & 0xf)));
            }
            return id.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> all = new ArrayList<>(list);
        all.add(item);
        return all;
    }
}
