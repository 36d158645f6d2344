package io.drover.it.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds, for outcomes that arrive asynchronously (job states, the read side). */
public final class Await {

  private Await() {}

  /** Returns the first value of {@code poll} that satisfies {@code until}; fails with the last value after {@code timeout}. */
  public static <T> T until(Duration timeout, Supplier<T> poll, Predicate<T> until, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = poll.get();
      if (until.test(last)) {
        return last;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last seen: " + last);
  }
}
