package io.drover.capacity;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for one compute environment's calls: each failure in a row doubles
 * the delay, up to a maximum, and the delay returned is picked at random between half of it and all of
 * it (so that callers throttled together do not come back together). A success starts over.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  /**
   * @param initial the delay around the first failure
   * @param max the longest delay
   * @param random the source of jitter
   */
  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("A backoff needs 0 < initial <= max; got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** Counts a failure and returns how long to wait before the next call. */
  public synchronized Duration failed() {
    long ceiling = max.toMillis();
    long delay = initial.toMillis();
    for (int i = 0; i < failures && delay < ceiling; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, ceiling);
    failures++;
    long half = delay / 2;
    return Duration.ofMillis(half + random.nextLong(delay - half + 1));
  }

  /** Starts over: the next failure waits around the initial delay again. */
  public synchronized void succeeded() {
    failures = 0;
  }
}
