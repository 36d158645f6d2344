package io.drover.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static void assertBetween(long fromMillis, long toMillis, Duration delay) {
    assertTrue(delay.toMillis() >= fromMillis && delay.toMillis() <= toMillis,
        delay.toMillis() + " ms is not within " + fromMillis + ".." + toMillis);
  }

  @Test
  void doublesUpToTheMaximumWithJitterBetweenHalfAndAll() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), new SplittableRandom(3));

    assertBetween(500, 1000, backoff.failed());
    assertBetween(1000, 2000, backoff.failed());
    assertBetween(2000, 4000, backoff.failed());
    assertBetween(4000, 8000, backoff.failed());
    for (int i = 0; i < 100; i++) {
      assertBetween(5000, 10000, backoff.failed());
    }
  }

  @Test
  void aSuccessStartsOver() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(3));
    for (int i = 0; i < 5; i++) {
      backoff.failed();
    }

    backoff.succeeded();

    assertBetween(50, 100, backoff.failed());
  }

  @Test
  void jitterSpreadsCallersThrottledTogether() {
    long distinct = new SplittableRandom(5).longs(20).mapToObj(seed ->
            new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), new SplittableRandom(seed)).failed())
        .distinct().count();

    assertTrue(distinct > 10, distinct + " distinct delays of 20");
  }

  @Test
  void rejectsAMaximumBelowTheInitialDelay() {
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()));
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom()));
  }

  @Test
  void theLongestDelayIsTheMaximum() {
    RandomGenerator highest = new RandomGenerator() {
      @Override
      public long nextLong() {
        return Long.MAX_VALUE;
      }

      @Override
      public long nextLong(long bound) {
        return bound - 1;
      }
    };
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), highest);

    assertEquals(Duration.ofSeconds(1), backoff.failed());
    assertEquals(Duration.ofSeconds(1), backoff.failed());
  }
}
