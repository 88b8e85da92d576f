package org.browsersocket.runtime.control;

import java.util.Locale;

/**
 * The DNS-rebinding defence of the control endpoint: a request is served only when its Host
 * header names the loopback interface literally ({@code localhost}, {@code 127.x.y.z},
 * {@code [::1]}), so a page on {@code evil.example} re-pointed at 127.0.0.1 is refused.
 */
public final class LoopbackHosts {
    private LoopbackHosts() {}

    public static boolean isLoopback(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty() || hostHeader.length() > 255) {
            return false;
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && host.substring(1, end).equals("::1") && validPort(host.substring(end + 1));
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        if (!validPort(colon < 0 ? "" : host.substring(colon))) {
            return false;
        }
        return name.equals("localhost") || name.equals("localhost.") || isIpv4Loopback(name);
    }

    private static boolean validPort(String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6) {
            return false;
        }
        return rest.substring(1).chars().allMatch(Character::isDigit);
    }

    private static boolean isIpv4Loopback(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
