package io.drover.controller.scheduler;

import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * What the scheduler's passes cost since it last said: how many, their mean and longest time, and
 * the placements they made. Logged at an interval so an operator (and the load tests) can see the
 * scheduler's own share of the latency.
 */
final class PassStats {

  private long since = System.nanoTime();
  private long passes;
  private long totalNanos;
  private long maxNanos;
  private long placements;

  void record(long nanos) {
    passes++;
    totalNanos += nanos;
    maxNanos = Math.max(maxNanos, nanos);
  }

  void placed(int count) {
    placements += count;
  }

  /** Logs and starts over when {@code interval} has passed since the last time (never for 0s). */
  void logIfDue(Logger log, int agents, int inFlight, Duration interval) {
    long now = System.nanoTime();
    if (interval.isZero() || now - since < interval.toNanos()) {
      return;
    }
    double seconds = (now - since) / 1e9;
    if (passes > 0) {
      log.info(String.format(Locale.ROOT,
          "Scheduler passes: %d in %.0f s, mean %.2f ms, longest %.2f ms; %d placements (%.1f/s); %d agents, %d placements in flight",
          passes, seconds, totalNanos / 1e6 / passes, maxNanos / 1e6, placements, placements / seconds, agents, inFlight));
    }
    since = now;
    passes = 0;
    totalNanos = 0;
    maxNanos = 0;
    placements = 0;
  }
}
