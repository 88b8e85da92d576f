package org.browsersocket.runtime.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** How many more file descriptors the process may open (Unix; unlimited elsewhere). */
final class FileDescriptors {
    private final com.sun.management.UnixOperatingSystemMXBean unix;

    FileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        this.unix = os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null;
    }

    /** Descriptors still free; counting them lists the process's open files, so call it sparingly. */
    long free() {
        if (unix == null) {
            return Long.MAX_VALUE;
        }
        return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
    }
}
