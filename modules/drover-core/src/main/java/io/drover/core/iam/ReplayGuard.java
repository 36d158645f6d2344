package io.drover.core.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Refuses a request signature that was seen before while it could still pass {@link SigV4#verify},
 * so that a captured request cannot be sent again within the signature's time window.
 *
 * <p>Memory is bounded: the guard remembers at most {@code maxEntries} signatures, each until its
 * window ends ({@code signedAt + window}), and forgets those whose window has ended as new ones
 * arrive. When all {@code maxEntries} are still inside their windows, it forgets the one whose window
 * ends soonest to make room, rather than refusing the new signature, which would lock every client
 * out. So a replay goes unnoticed only when more than {@code maxEntries} other signatures, all
 * valid longer than the replayed one, arrived between its first use and the replay; size
 * {@code maxEntries} above the number of requests expected within one window.
 *
 * <p>Two identical requests signed within the same second carry the same signature. The AWS SDKs
 * and CLI sign a fresh {@code amz-sdk-invocation-id} header into every call, so their calls never
 * collide; {@code curl --aws-sigv4} signs only the host, content type and date, so the same curl
 * command run twice within one second is taken for a replay.
 *
 * <p>Thread-safe: one lock around a hash map and a queue ordered by window end, O(log n) a call.
 */
public final class ReplayGuard {

  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Instant> windowEnds = new HashMap<>();
  private final PriorityQueue<Seen> byWindowEnd = new PriorityQueue<>(Comparator.comparing(Seen::windowEnd));

  private record Seen(String signature, Instant windowEnd) {}

  public ReplayGuard(int maxEntries, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1; got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * True the first time {@code signature} is offered within its window, false for a replay. A
   * signature whose window ({@code signedAt + window}) has already ended is not remembered and
   * counts as a first use: {@link SigV4#verify} refuses it anyway.
   */
  public boolean firstUse(String signature, Instant signedAt, Duration window) {
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must not be negative; got " + window);
    }
    Instant now = clock.instant();
    Instant windowEnd = signedAt.plus(window);
    if (!windowEnd.isAfter(now)) {
      return true;
    }
    synchronized (this) {
      forgetEndedBy(now);
      if (windowEnds.containsKey(signature)) {
        return false;
      }
      if (windowEnds.size() >= maxEntries) {
        windowEnds.remove(byWindowEnd.remove().signature());
      }
      windowEnds.put(signature, windowEnd);
      byWindowEnd.add(new Seen(signature, windowEnd));
      return true;
    }
  }

  /** How many signatures the guard remembers now. */
  synchronized int size() {
    return windowEnds.size();
  }

  private void forgetEndedBy(Instant now) {
    while (!byWindowEnd.isEmpty() && !byWindowEnd.peek().windowEnd().isAfter(now)) {
      windowEnds.remove(byWindowEnd.remove().signature());
    }
  }
}
