package org.browsersocket.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The {@code --help} layout of every BrowserSocket jar: picocli's, except that the command's
 * description and the options' descriptions wrap at spaces only. picocli wraps wherever a line
 * break is allowed in prose, which cuts URLs and paths such as {@code http://[::1]:7050} or
 * {@code ./discovery-data} in two; here a word is never split (one longer than the line stands
 * alone). The width is the terminal's when picocli can tell ({@code usageHelpAutoWidth}), else
 * the command's usage width.
 */
public final class HelpLayout {

    private static final int LONG_OPTION_COLUMN = 24; // longer names put their description below

    private HelpLayout() {
    }

    /** Lays out {@code cli}'s help (and its subcommands') this way; returns {@code cli}. */
    public static CommandLine applyTo(CommandLine cli) {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, HelpLayout::description);
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::optionList);
        cli.getSubcommands().values().forEach(HelpLayout::applyTo);
        return cli;
    }

    private static String description(Help help) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : help.commandSpec().usageMessage().description()) {
            wrap(out, paragraph, "", "", width(help));
        }
        return out.toString();
    }

    private static String optionList(Help help) {
        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec option : help.commandSpec().options()) {
            if (!option.hidden()) {
                options.add(option);
            }
        }
        if (help.commandSpec().usageMessage().sortOptions()) {
            options.sort(Help.createShortOptionNameComparator());
        }
        int longest = 0;
        List<Help.Ansi.Text[][]> rows = new ArrayList<>();
        Help.IOptionRenderer renderer = help.createDefaultOptionRenderer();
        for (OptionSpec option : options) {
            Help.Ansi.Text[][] cells = renderer.render(option, help.createDefaultParamLabelRenderer(), help.colorScheme());
            rows.add(cells);
            longest = Math.max(longest, cells[0][3].plainString().length());
        }
        int descriptionColumn = 6 + Math.min(longest, LONG_OPTION_COLUMN) + 2;
        String indent = " ".repeat(descriptionColumn);
        StringBuilder out = new StringBuilder();
        for (Help.Ansi.Text[][] cells : rows) {
            String shortName = cells[0][1].plainString();
            String names = " " + (cells[0][0].plainString().isBlank() ? " " : cells[0][0].plainString())
                    + String.format("%2s", shortName) + (cells[0][2].plainString().isBlank() ? " " : ",") + " "
                    + cells[0][3].plainString();
            String first;
            if (names.length() <= descriptionColumn - 2) { // at least two spaces before the text
                first = names + " ".repeat(descriptionColumn - names.length());
            } else {
                out.append(names).append('\n');
                first = indent;
            }
            StringBuilder text = new StringBuilder();
            for (Help.Ansi.Text[] row : cells) {
                text.append(text.length() > 0 ? " " : "").append(row[4].plainString().strip());
            }
            wrap(out, text.toString(), first, indent + "  ", width(help));
        }
        return out.toString();
    }

    /** Appends {@code text} word by word, breaking lines only at spaces. */
    private static void wrap(StringBuilder out, String text, String firstIndent, String indent, int width) {
        StringBuilder line = new StringBuilder(firstIndent);
        boolean empty = true;
        for (String word : text.strip().split("\\s+")) {
            if (!empty && line.length() + 1 + word.length() > width) {
                out.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(indent);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static int width(Help help) {
        return help.commandSpec().usageMessage().width();
    }
}
