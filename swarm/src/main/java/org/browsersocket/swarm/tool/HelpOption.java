package org.browsersocket.swarm.tool;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for a subcommand, as a picocli mixin: the subcommands take no standard
 * {@code --version} (build has a {@code --version} of its own; the release version is the top command's).
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;
}
