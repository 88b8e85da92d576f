package org.browsersocket.runtime.extension;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.browsersocket.packaging.ExtensionPackage;

/**
 * {@code host-runtime --install-native-host}: registers the native-messaging host that the
 * BrowserSocket extension starts to reach the runtime. Writes a launcher ({@code native-host} in
 * the configuration directory: this JVM and class path running {@link NativeHostMain}) and, in each
 * browser's user-level NativeMessagingHosts directory, the host manifest naming the launcher and
 * the extension allowed to use it.
 */
public final class NativeHostInstaller {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NativeHostInstaller() {}

    /** The user-level directories of Chromium and Google Chrome on Linux. */
    static List<Path> usualDirs() {
        Path home = Path.of(System.getProperty("user.home"));
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
        return List.of(config.resolve("chromium/NativeMessagingHosts"),
                config.resolve("google-chrome/NativeMessagingHosts"));
    }

    /** Installs; prints what it wrote. Returns the exit code. */
    public static int run(Path configDir, List<Path> dirs, String extensionId, PrintWriter out, PrintWriter err) {
        if (!extensionId.matches("[a-p]{32}")) {
            err.println("host-runtime: --extension-id " + extensionId + " is not a Chromium extension ID (32 letters a-p)");
            return 2;
        }
        try {
            Path launcher = writeLauncher(configDir);
            out.println("native-messaging host launcher: " + launcher);
            for (Path dir : dirs.isEmpty() ? usualDirs() : dirs) {
                out.println("native-messaging host manifest: " + writeManifest(dir, launcher, extensionId));
            }
            out.println("the BrowserSocket extension can now reach the runtime while it runs"
                    + " (with --config-dir " + configDir + ")");
            return 0;
        } catch (IOException e) {
            err.println("host-runtime: cannot install the native-messaging host: " + e.getMessage());
            return 1;
        }
    }

    /** The launcher: runs the bridge with this JVM and this class path, pointed at {@code configDir}. */
    static Path writeLauncher(Path configDir) throws IOException {
        Files.createDirectories(configDir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        String script = "#!/bin/sh\n"
                + "# The BrowserSocket native-messaging host: the browser extension's way to the host runtime.\n"
                + "exec " + quote(java) + " -Xshare:auto -XX:TieredStopAtLevel=1 -cp " + quote(classPath) + " "
                + NativeHostMain.class.getName() + " --config-dir " + quote(configDir.toAbsolutePath().toString())
                + " \"$@\"\n";
        Path launcher = configDir.resolve("native-host");
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        return launcher.toAbsolutePath();
    }

    static Path writeManifest(Path dir, Path launcher, String extensionId) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", ExtensionPackage.NATIVE_HOST);
        manifest.put("description", "BrowserSocket host runtime bridge");
        manifest.put("path", launcher.toString());
        manifest.put("type", "stdio");
        manifest.put("allowed_origins", List.of("chrome-extension://" + extensionId + "/"));
        Path file = dir.resolve(ExtensionPackage.NATIVE_HOST + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
        return file;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
