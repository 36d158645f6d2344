package io.drover.core.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {

  private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private void advanceMillis(long millis) {
    nanos.addAndGet(millis * MILLI);
  }

  private static int acquireAll(TokenBuckets buckets, String key, int attempts) {
    int granted = 0;
    for (int i = 0; i < attempts; i++) {
      granted += buckets.tryAcquire(key) ? 1 : 0;
    }
    return granted;
  }

  @Test
  void aKeyMayTakeItsBurstAtOnceThenWaitsForTheRate() {
    TokenBuckets buckets = new TokenBuckets(10, 5, 100, nanos::get);

    assertEquals(5, acquireAll(buckets, "alice", 20));
    advanceMillis(99);
    assertFalse(buckets.tryAcquire("alice"));
    advanceMillis(1);
    assertTrue(buckets.tryAcquire("alice"), "one permit every 100 ms");
    assertFalse(buckets.tryAcquire("alice"));
    advanceMillis(300);
    assertEquals(3, acquireAll(buckets, "alice", 10));
  }

  @Test
  void anIdleKeyRefillsOnlyUpToItsBurst() {
    TokenBuckets buckets = new TokenBuckets(10, 5, 100, nanos::get);
    acquireAll(buckets, "alice", 5);

    advanceMillis(60_000);

    assertEquals(5, acquireAll(buckets, "alice", 20));
  }

  @Test
  void keysAreLimitedApart() {
    TokenBuckets buckets = new TokenBuckets(1, 2, 100, nanos::get);

    assertEquals(2, acquireAll(buckets, "alice", 10));
    assertEquals(2, acquireAll(buckets, "bob", 10));
  }

  @Test
  void aSlowRateOfLessThanOnePerSecond() {
    TokenBuckets buckets = new TokenBuckets(0.5, 1, 100, nanos::get);

    assertTrue(buckets.tryAcquire("alice"));
    advanceMillis(1_999);
    assertFalse(buckets.tryAcquire("alice"));
    advanceMillis(1);
    assertTrue(buckets.tryAcquire("alice"));
  }

  @Test
  void fullIdleBucketsGiveWayToNewKeys() {
    TokenBuckets buckets = new TokenBuckets(10, 5, 2, nanos::get);
    buckets.tryAcquire("alice");
    buckets.tryAcquire("bob");

    advanceMillis(1_000);
    assertTrue(buckets.tryAcquire("carol"));
    assertTrue(buckets.tryAcquire("dave"));

    assertEquals(2, buckets.size());
    assertEquals(5, acquireAll(buckets, "alice", 10), "alice gets a whole burst again, as her full bucket would have given");
  }

  @Test
  void whenEveryBucketIsBusyNewKeysShareOneOverflowBucket() {
    TokenBuckets buckets = new TokenBuckets(10, 5, 2, nanos::get);
    acquireAll(buckets, "alice", 5);
    acquireAll(buckets, "bob", 5);

    assertEquals(3, acquireAll(buckets, "carol", 3));
    assertEquals(2, acquireAll(buckets, "dave", 10), "dave shares what carol left of the overflow bucket");
    assertEquals(0, acquireAll(buckets, "erin", 10));
    assertEquals(2, buckets.size());
  }

  @Test
  void aFloodOfKeysStaysWithinTheBound() {
    TokenBuckets buckets = new TokenBuckets(1, 1, 1000, nanos::get);

    for (int i = 0; i < 100_000; i++) {
      buckets.tryAcquire("client-" + i);
      advanceMillis(1);
    }

    assertTrue(buckets.size() <= 1000, "size " + buckets.size());
  }

  @Test
  void concurrentCallersShareTheBurstExactly() throws Exception {
    TokenBuckets buckets = new TokenBuckets(1, 500, 10, nanos::get);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> callers = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        callers.add(() -> acquireAll(buckets, "alice", 1000));
      }
      int granted = 0;
      for (Future<Integer> result : pool.invokeAll(callers)) {
        granted += result.get();
      }
      assertEquals(500, granted);
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void theSettingsMustMakeSense() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(0, 1, 1, nanos::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(Double.NaN, 1, 1, nanos::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(Double.POSITIVE_INFINITY, 1, 1, nanos::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(1, 0, 1, nanos::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(1, 1, 0, nanos::get));
  }

  @Property
  void aKeyNeverGetsMoreThanItsBurstPlusTheRateOverTime(@ForAll @IntRange(min = 1, max = 20) int perSecond,
                                                        @ForAll @IntRange(min = 1, max = 10) int burst,
                                                        @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 500) Integer> stepsMillis) {
    AtomicLong clock = new AtomicLong();
    TokenBuckets buckets = new TokenBuckets(perSecond, burst, 4, clock::get);
    long granted = 0;
    for (int step : stepsMillis) {
      clock.addAndGet(step * MILLI);
      granted += buckets.tryAcquire("alice") ? 1 : 0;
      granted += buckets.tryAcquire("alice") ? 1 : 0;
      long elapsedMillis = clock.get() / MILLI;
      assertTrue(granted <= burst + perSecond * elapsedMillis / 1000.0 + 1e-9, granted + " permits in " + elapsedMillis + " ms");
    }
  }
}
