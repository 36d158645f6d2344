package io.drover.loadtest.bench;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of a set of measurements (nearest rank). */
final class Stats {

  private final double[] sorted;

  Stats(Collection<? extends Number> values) {
    this.sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
  }

  int count() {
    return sorted.length;
  }

  double percentile(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  double mean() {
    return Arrays.stream(sorted).average().orElse(Double.NaN);
  }

  /** The values, sorted ascending (for distribution plots). */
  double[] sorted() {
    return sorted.clone();
  }
}
