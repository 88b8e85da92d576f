package org.browsersocket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class HelpLayoutTest {

    @Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample at http://[::1]:7050/with/a/path.")
    static final class Sample {
        @Option(names = "--address-service-v6", paramLabel = "URL",
                description = "Address service the pages ask over IPv6. Default: ${DEFAULT-VALUE}.")
        String v6 = "http://[::1]:7050";

        @Option(names = "--store", description = "embedded:DIR or redis://host:port (default: ${DEFAULT-VALUE}).")
        String store = "embedded:./discovery-data";
    }

    private static final Pattern URL_OR_PATH = Pattern.compile("(https?://|embedded:|redis://)\\S+");

    static String help(int width) {
        CommandLine cli = HelpLayout.applyTo(new CommandLine(new Sample()));
        cli.setUsageHelpWidth(width);
        return cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void noUrlIsCutAtEightyColumnsNorWhenWide() {
        List<String> urls = URL_OR_PATH.matcher(help(200)).results().map(m -> m.group()).toList();
        assertEquals(5, urls.size(), urls::toString);
        for (int width : new int[] {80, 120, 200}) {
            String help = help(width);
            for (String url : urls) {
                assertTrue(help.lines().anyMatch(line -> line.contains(url)), () -> url + " is cut at " + width + ":\n" + help);
            }
            assertTrue(help.lines().allMatch(line -> line.length() <= width), help);
        }
    }

    @Test
    void everyOptionKeepsItsNameAndDescription() {
        String help = help(80);
        assertTrue(help.contains("      --store=<store>"), help);
        assertTrue(help.contains("  -h, --help"), help);
        Matcher described = Pattern.compile("(?m)^ {6}--address-service-v6=URL\\s+Address service").matcher(help);
        assertTrue(described.find(), help);
    }
}
