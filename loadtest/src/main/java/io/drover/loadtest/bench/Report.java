package io.drover.loadtest.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One run's outcome: the machine and versions it ran on, its settings, its measurements next to
 * their targets, and its plots. Printed as one table and written as {@code summary.md} with the
 * PNG plots beside it.
 */
final class Report {

  /** One measured number, what it must beat, and whether it did (null: no target). */
  record Result(String measure, String measured, String target, Boolean met) {}

  private final String scenario;
  private final String description;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final List<Result> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> plots = new ArrayList<>();

  Report(String scenario, String description) {
    this.scenario = scenario;
    this.description = description;
  }

  Report setting(String name, Object value) {
    settings.put(name, String.valueOf(value));
    return this;
  }

  /** A measurement without a target. */
  Report measured(String measure, String measured) {
    results.add(new Result(measure, measured, "", null));
    return this;
  }

  /** A measurement against its target. */
  Report measured(String measure, String measured, String target, boolean met) {
    results.add(new Result(measure, measured, target, met));
    return this;
  }

  Report note(String note) {
    notes.add(note);
    return this;
  }

  List<Result> results() {
    return results;
  }

  /** Latency distributions: one line per series, percentile (x) against milliseconds (y). */
  void percentilePlot(Path dir, String file, String title, Map<String, Stats> series) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, stats) -> {
      XYSeries line = new XYSeries(name);
      double[] sorted = stats.sorted();
      int step = Math.max(1, sorted.length / 2000);
      for (int i = 0; i < sorted.length; i += step) {
        line.add(100.0 * (i + 1) / sorted.length, sorted[i]);
      }
      if (sorted.length > 0) {
        line.add(100.0, sorted[sorted.length - 1]);
      }
      data.addSeries(line);
    });
    save(dir, file, ChartFactory.createXYLineChart(title, "percentile", "milliseconds", data));
  }

  /** Values over the run: one line per series, seconds since the start (x) against the value (y). */
  void timePlot(Path dir, String file, String title, String yLabel, Map<String, List<double[]>> series) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, points) -> {
      XYSeries line = new XYSeries(name, false);
      points.forEach(p -> line.add(p[0], p[1]));
      data.addSeries(line);
    });
    save(dir, file, ChartFactory.createXYLineChart(title, "seconds", yLabel, data));
  }

  private void save(Path dir, String file, JFreeChart chart) throws IOException {
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), chart, 900, 500);
    plots.add(file);
  }

  /** The results table, as printed at the end of a run. */
  void print(PrintStream out) {
    out.println();
    out.println("Drover benchmark: " + scenario);
    int width = Math.max(20, results.stream().mapToInt(r -> r.measure().length()).max().orElse(0));
    String format = "%-" + width + "s  %-22s  %-20s  %s%n";
    out.printf(Locale.ROOT, format, "measure", "measured", "target", "");
    for (Result r : results) {
      out.printf(Locale.ROOT, format, r.measure(), r.measured(), r.target(), verdict(r));
    }
    notes.forEach(n -> out.println("note: " + n));
  }

  /** summary.md: what ran, where, with what, and what it measured. */
  void write(Path dir, Map<String, String> machine) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(scenario).append("\n\n").append(description).append("\n\n");
    md.append("## Machine and versions\n\n| | |\n|---|---|\n");
    machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Settings\n\n| | |\n|---|---|\n");
    settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Results\n\n| measure | measured | target | |\n|---|---|---|---|\n");
    for (Result r : results) {
      md.append("| ").append(r.measure()).append(" | ").append(r.measured()).append(" | ").append(r.target())
          .append(" | ").append(verdict(r)).append(" |\n");
    }
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    if (!plots.isEmpty()) {
      md.append("\n## Plots\n\n");
      plots.forEach(p -> md.append("![").append(p).append("](").append(p).append(")\n"));
    }
    Files.writeString(dir.resolve("summary.md"), md);
  }

  private static String verdict(Result r) {
    return r.met() == null ? "" : r.met() ? "met" : "MISSED";
  }

  /** Events per second since {@code originMillis}, every second up to the last event (none: 0). */
  static List<double[]> perSecond(Collection<Long> eventMillis, long originMillis) {
    Map<Long, Integer> counts = new HashMap<>();
    long last = 0;
    for (long at : eventMillis) {
      long second = (at - originMillis) / 1000;
      counts.merge(second, 1, Integer::sum);
      last = Math.max(last, second);
    }
    List<double[]> points = new ArrayList<>();
    for (long second = 0; second <= last; second++) {
      points.add(new double[] {second, counts.getOrDefault(second, 0)});
    }
    return points;
  }

  static String ms(double value) {
    return String.format(Locale.ROOT, "%.1f ms", value);
  }

  static String seconds(double value) {
    return String.format(Locale.ROOT, "%.1f s", value);
  }

  static String rate(double value, String unit) {
    return String.format(Locale.ROOT, "%,.0f %s", value, unit);
  }
}
