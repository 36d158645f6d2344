package io.drover.controller.job;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The places a controller has for RUNNABLE jobs kept in memory past their idle timeout
 * ({@code drover.controller.job.warm-runnable-jobs}). A waiting job that left memory is replayed
 * from the journal when the scheduler places it, about seven Cassandra reads; one kept warm is
 * placed at once. The limit bounds the heap this takes, a few KB a job. Shared by the job entities
 * of one controller, each on its own thread.
 */
final class WarmJobs {

  private final int limit;
  private final AtomicInteger held = new AtomicInteger();

  /** {@code limit} is 0 or more, as {@code ControllerSettings} checks the setting. */
  WarmJobs(int limit) {
    this.limit = limit;
  }

  /** Takes a place; false when all are taken. */
  boolean tryHold() {
    return held.getAndUpdate(n -> n < limit ? n + 1 : n) < limit;
  }

  /** Gives back a place taken with {@link #tryHold()}. */
  void release() {
    held.decrementAndGet();
  }

  /** Places taken now. */
  int held() {
    return held.get();
  }
}
