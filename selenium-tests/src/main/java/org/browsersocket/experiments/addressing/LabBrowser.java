package org.browsersocket.experiments.addressing;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * A headless Chromium inside a home of the lab (tools/netlab-browser.sh):
 * {@code tools/netlab-browser.sh} starts chromedriver in the home's namespace, with its own
 * resolv.conf and temporary directory, accepting only the root side of the home's management
 * veth; this JVM drives it from the root namespace at the home's management address. Chromium
 * itself runs in the home and sees only the home's network.
 */
final class LabBrowser implements AutoCloseable {
    static final String BROWSER = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";
    private static final int DRIVER_PORT = 9515; // inside the home's namespace: nothing else uses it

    /**
     * Chromium's flags: DESIGN §8's headless set plus {@code --disable-dev-shm-usage} (as the
     * project's local harness). No Local Network Access flag: pages are served from 127.0.0.1
     * (the most private address space) and only reach out to public addresses, which those
     * checks never block.
     */
    static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage");

    private final String home;
    private final LabProcess chromedriver;
    private RemoteWebDriver driver;

    private LabBrowser(String home, LabProcess chromedriver) {
        this.home = home;
        this.chromedriver = chromedriver;
    }

    /** Starts chromedriver in {@code home} (its files under {@code workdir/home}); not yet a browser. */
    static LabBrowser startDriver(Lab lab, String home, Path workdir) throws IOException {
        Path dir = Files.createDirectories(workdir.resolve(home));
        Path helper = lab.script().resolveSibling("netlab-browser.sh");
        LabProcess chromedriver = LabProcess.start("chromedriver in " + home,
                List.of(helper.toString(), "chromedriver", lab.name(), home, Integer.toString(DRIVER_PORT),
                        dir.toString()),
                line -> line.contains("ChromeDriver was started successfully"));
        return new LabBrowser(home, chromedriver);
    }

    LabProcess chromedriver() {
        return chromedriver;
    }

    /** Opens a browser session through the chromedriver at the home's management address. */
    void openSession(Lab lab, Path workdir) throws IOException {
        String key = home.toUpperCase(java.util.Locale.ROOT) + "_MGMT"; // HOME1_MGMT
        Path profile = Files.createDirectories(workdir.resolve(home).resolve("profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        driver = new RemoteWebDriver(new URL("http://" + lab.address(key) + ":" + DRIVER_PORT + "/"), options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    void open(String url) {
        if (driver == null) {
            throw new org.openqa.selenium.WebDriverException("the browser in " + home + " was closed");
        }
        driver.get(url);
    }

    /** Runs an async script (its callback is the last argument) and returns what it passed. */
    Object asyncScript(String script, Object... arguments) {
        if (driver == null) {
            throw new org.openqa.selenium.WebDriverException("the browser in " + home + " was closed");
        }
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /**
     * Quits the browser (waiting at most 5 s: chromedriver answers a quit only after a running
     * script) and stops chromedriver; problems go to stderr. Whatever of Chromium survives runs in
     * the home's namespace and ends with the lab.
     */
    @Override
    public void close() {
        RemoteWebDriver session = driver;
        driver = null;
        try {
            if (session != null) {
                Thread quit = new Thread(() -> {
                    try {
                        session.quit();
                    } catch (RuntimeException e) {
                        System.err.println("E7: quitting the browser in " + home + ": " + e.getMessage());
                    }
                }, "quit browser in " + home);
                quit.setDaemon(true);
                quit.start();
                quit.join(5000);
            }
            chromedriver.stop(Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
