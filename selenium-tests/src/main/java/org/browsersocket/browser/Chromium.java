package org.browsersocket.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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

    public static Chromium start() throws IOException {
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
