package org.browsersocket.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven through Selenium with Debian's chromedriver (DESIGN §8):
 * nothing is downloaded, each instance gets a fresh profile that is deleted on close.
 */
public final class Chromium implements AutoCloseable {
    public static final String BROWSER = "/usr/bin/chromium";
    public static final String DRIVER = "/usr/bin/chromedriver";
    public static final Duration WAIT = Duration.ofSeconds(15);

    private final Path profile;
    private final ChromeDriver driver;

    private Chromium(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /** A Chromium with a fresh profile and no extra options. */
    public static Chromium start() throws IOException {
        return start(ChromiumOptions.defaults());
    }

    /** A Chromium with a fresh profile and {@code extra} options (public sites, test CAs, an extension). */
    public static Chromium start(ChromiumOptions extra) throws IOException {
        if (!new File(BROWSER).canExecute() || !new File(DRIVER).canExecute()) {
            throw new IllegalStateException(BROWSER + " and " + DRIVER + " are needed: apt-get install chromium chromium-driver"
                    + " (make test does this when run as root)");
        }
        Path profile = Files.createTempDirectory("browsersocket-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        options.addArguments(extra.switches());
        if (extra.browserLog()) {
            LoggingPreferences logging = new LoggingPreferences();
            logging.enable(LogType.BROWSER, Level.ALL);
            options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        return new Chromium(profile, new ChromeDriver(service, options));
    }

    /** Resident memory of this browser's processes (all of them share its profile directory). */
    public long residentBytes() throws IOException {
        String marker = "--user-data-dir=" + profile;
        long total = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) processes.filter(p -> p.getFileName().toString().matches("\\d+"))::iterator) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
                    if (cmdline.contains(marker)) {
                        for (String line : Files.readAllLines(proc.resolve("status"))) {
                            if (line.startsWith("VmRSS:")) {
                                total += Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                            }
                        }
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return total;
    }

    /** The profile directory ({@code --user-data-dir}), deleted on close. */
    public Path profile() {
        return profile;
    }

    /**
     * The profile's user-level native-messaging host directory: Chromium started with
     * {@code --user-data-dir=PROFILE} reads host manifests from {@code PROFILE/NativeMessagingHosts}
     * on each {@code connectNative}, so hosts may be installed after start.
     */
    public Path nativeMessagingHosts() {
        return profile.resolve("NativeMessagingHosts");
    }

    /** Sets the {@code loopback-network} permission of {@code origin} to granted (DevTools Browser.setPermission). */
    public void grantLoopbackNetwork(String origin) {
        setPermission("loopback-network", "granted", origin);
    }

    /** Sets the {@code loopback-network} permission of {@code origin} to denied. */
    public void denyLoopbackNetwork(String origin) {
        setPermission("loopback-network", "denied", origin);
    }

    /** Sets a permission ({@code setting} is granted, denied or prompt) for {@code origin}. */
    public void setPermission(String name, String setting, String origin) {
        cdp("Browser.setPermission", Map.of("permission", Map.of("name", name), "setting", setting, "origin", origin));
    }

    /** Sends a DevTools protocol command to the current page's target and returns its result. */
    public Map<String, Object> cdp(String command, Map<String, Object> parameters) {
        return driver.executeCdpCommand(command, parameters);
    }

    /** The console messages recorded since the last call (needs {@link ChromiumOptions#browserLog}). */
    public List<String> browserLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Runs a script in the page (with {@code arguments}) and returns its result. */
    @SuppressWarnings("unchecked")
    public <T> T script(String script, Object... arguments) {
        return (T) ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** Runs an async script: it gets a callback as its last argument. */
    @SuppressWarnings("unchecked")
    public <T> T asyncScript(String script, Object... arguments) {
        return (T) ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /** Waits (up to {@link #WAIT}) until the condition holds; returns its last value. */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).until(condition);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp directory is harmless
            }
        }
    }
}
