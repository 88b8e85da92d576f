package org.browsersocket.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The soak's figures as an SVG of three stacked panels over time: connections, memory, round trips. */
final class SoakPlot {
    private static final int WIDTH = 900;
    private static final int PANEL = 170;
    private static final int LEFT = 70;
    private static final int TOP = 30;

    private SoakPlot() {}

    /** One line of a panel: its name, colour, and what it shows of a sample. */
    private record Series(String name, String colour, ToDoubleFunction<Soak.Sample> value) {}

    static String svg(List<Soak.Sample> samples) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", WIDTH, TOP + 3 * (PANEL + 40)));
        panel(out, samples, 0, "public connections (and total shed)", List.of(
                new Series("open", "#1a5fb4", s -> s.connections()), new Series("shed", "#c0392b", s -> s.shed())));
        panel(out, samples, 1, "MiB: held for peers, budget, runtime RSS", List.of(
                new Series("held", "#1a5fb4", s -> s.budgetUsed() / 1048576.0),
                new Series("budget", "#888888", s -> s.budgetLimit() / 1048576.0),
                new Series("RSS", "#26a269", s -> s.rss() / 1048576.0)));
        panel(out, samples, 2, "well-behaved peers' round trip, ms", List.of(
                new Series("p50", "#1a5fb4", Soak.Sample::p50Millis), new Series("p99", "#c0392b", Soak.Sample::p99Millis)));
        return out.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder out, List<Soak.Sample> samples, int index, String title, List<Series> series) {
        int top = TOP + index * (PANEL + 40);
        int plotWidth = WIDTH - LEFT - 20;
        double maxX = samples.isEmpty() ? 1 : samples.get(samples.size() - 1).seconds();
        double maxY = 1;
        for (Series s : series) {
            for (Soak.Sample sample : samples) {
                maxY = Math.max(maxY, s.value().applyAsDouble(sample));
            }
        }
        maxY *= 1.1;
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", LEFT, top - 8, title));
        out.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>\n", LEFT, top, plotWidth, PANEL));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n", LEFT - 6, top + 10, maxY));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", LEFT - 6, top + PANEL));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>\n",
                LEFT + plotWidth, top + PANEL + 16, maxX));
        int legend = LEFT + plotWidth - 10;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            StringBuilder points = new StringBuilder();
            for (Soak.Sample sample : samples) {
                double x = LEFT + plotWidth * sample.seconds() / maxX;
                double y = top + PANEL - PANEL * s.value().applyAsDouble(sample) / maxY;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            out.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n", s.colour(), points));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"%s\">%s</text>\n",
                    legend, top + 16, s.colour(), s.name()));
            legend -= 60;
        }
    }
}
