package org.browsersocket.runtime.consent;

import java.util.regex.Pattern;

/** What counts as a web origin here: {@code scheme://host[:port]}, http or https, no path. */
public final class Origins {
    private static final Pattern ORIGIN = Pattern.compile("(?i)https?://[a-z0-9._~\\-]+(:[0-9]{1,5})?"
            + "|(?i)https?://\\[[0-9a-f:.]+\\](:[0-9]{1,5})?");

    private Origins() {}

    public static boolean isOrigin(String text) {
        return text != null && text.length() <= 300 && ORIGIN.matcher(text).matches();
    }
}
