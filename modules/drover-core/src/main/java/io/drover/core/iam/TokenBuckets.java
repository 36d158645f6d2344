package io.drover.core.iam;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-key rate limiting with token buckets: each key (an access key id, a client address) may make
 * {@code burst} requests at once and {@code permitsPerSecond} a second after that, so one noisy
 * caller cannot starve the rest.
 *
 * <p>Memory is bounded by {@code maxKeys} buckets. A bucket that has refilled completely holds
 * nothing a new one would not, so such idle buckets are forgotten when room is needed (looked for
 * at most once a second, or once per refill time when shorter). When every one of the
 * {@code maxKeys} buckets is still refilling, further keys share a single overflow bucket with the
 * same rate and burst: a flood of distinct keys neither grows memory nor gets more than one key's
 * rate, at the price of new keys competing with that flood until buckets free up.
 *
 * <p>Thread-safe: buckets sit in a concurrent map and each is updated under its own lock; only
 * admitting a new key takes a shared lock.
 */
public final class TokenBuckets {

  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final double permitsPerSecond;
  private final int burst;
  private final int maxKeys;
  private final LongSupplier nanoClock;
  private final long sweepIntervalNanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Bucket overflow;
  private final Object admission = new Object();
  private long lastSweep;
  private boolean sweptOnce;

  /**
   * @param permitsPerSecond the steady rate each key may go at, above zero
   * @param burst how many permits a key may take at once, at least 1
   * @param maxKeys how many keys get a bucket of their own, at least 1
   * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} in production
   */
  public TokenBuckets(double permitsPerSecond, int burst, int maxKeys, LongSupplier nanoClock) {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException("permitsPerSecond must be a positive number; got " + permitsPerSecond);
    }
    if (burst < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("burst and maxKeys must be at least 1; got " + burst + " and " + maxKeys);
    }
    this.permitsPerSecond = permitsPerSecond;
    this.burst = burst;
    this.maxKeys = maxKeys;
    this.nanoClock = nanoClock;
    this.sweepIntervalNanos = (long) Math.min(NANOS_PER_SECOND, Math.ceil(burst * NANOS_PER_SECOND / permitsPerSecond));
    this.overflow = new Bucket(nanoClock.getAsLong());
  }

  /** Takes one permit for {@code key}: true when it had one, false when it must wait. */
  public boolean tryAcquire(String key) {
    long now = nanoClock.getAsLong();
    while (true) {
      Bucket bucket = buckets.get(key);
      Outcome outcome = (bucket == null ? admit(key, now) : bucket).take(now);
      if (outcome != Outcome.RETIRED) {
        return outcome == Outcome.TAKEN;
      }
    }
  }

  /** How many keys have a bucket of their own now. */
  int size() {
    return buckets.size();
  }

  private Bucket admit(String key, long now) {
    synchronized (admission) {
      Bucket existing = buckets.get(key);
      if (existing != null) {
        return existing;
      }
      if (buckets.size() >= maxKeys && (!sweptOnce || now - lastSweep >= sweepIntervalNanos)) {
        sweptOnce = true;
        lastSweep = now;
        buckets.entrySet().removeIf(entry -> entry.getValue().retireIfFull(now));
      }
      if (buckets.size() >= maxKeys) {
        return overflow;
      }
      Bucket bucket = new Bucket(now);
      buckets.put(key, bucket);
      return bucket;
    }
  }

  private enum Outcome { TAKEN, EMPTY, RETIRED }

  /** One key's tokens; a retired bucket has left the map, and whoever still holds it looks again. */
  private final class Bucket {

    private double tokens = burst;
    private long updatedAt;
    private boolean retired;

    Bucket(long now) {
      this.updatedAt = now;
    }

    synchronized Outcome take(long now) {
      if (retired) {
        return Outcome.RETIRED;
      }
      refill(now);
      if (tokens < 1) {
        return Outcome.EMPTY;
      }
      tokens -= 1;
      return Outcome.TAKEN;
    }

    synchronized boolean retireIfFull(long now) {
      refill(now);
      retired = tokens >= burst;
      return retired;
    }

    private void refill(long now) {
      if (now > updatedAt) {
        tokens = Math.min(burst, tokens + (now - updatedAt) * permitsPerSecond / NANOS_PER_SECOND);
        updatedAt = now;
      }
    }
  }
}
