package io.drover.core.scheduling;

import java.util.HashMap;
import java.util.Map;

/**
 * The usage of each share of one fair-share queue, in vCPU.
 *
 * <p>Usage accumulates as vCPU-seconds and decays exponentially with AWS's
 * {@code shareDecaySeconds} as time constant; reported usage is that sum divided by the time
 * constant, the share's average vCPU over roughly the last {@code shareDecaySeconds}. Because it
 * remembers, a share that got less than its part for a while gets more until the averages meet,
 * so over time each share's part converges to its weight. With a decay of 0, usage is what each
 * share holds now.
 */
public final class ShareUsage {

  /** Below this (vCPU) a share that holds nothing is forgotten. */
  private static final double NEGLIGIBLE = 1e-3;

  private final Map<String, Double> vcpuSeconds = new HashMap<>();
  private long lastAdvance = -1;

  /**
   * Moves the clock to {@code now}: past usage decays by the time elapsed, and what each share
   * holds now ({@code heldMilliCpus}), taken as held since the previous call, is added.
   */
  public void advance(long now, Map<String, Long> heldMilliCpus, long decaySeconds) {
    if (lastAdvance < 0 || decaySeconds <= 0) {
      lastAdvance = now;
      vcpuSeconds.clear();
      return;
    }
    double elapsedSeconds = Math.max(0, now - lastAdvance) / 1000.0;
    lastAdvance = now;
    double decay = Math.exp(-elapsedSeconds / decaySeconds);
    vcpuSeconds.replaceAll((share, value) -> value * decay);
    heldMilliCpus.forEach((share, milliCpus) ->
        vcpuSeconds.merge(share, milliCpus / 1000.0 * elapsedSeconds, Double::sum));
    vcpuSeconds.entrySet().removeIf(e -> e.getValue() / decaySeconds < NEGLIGIBLE && !heldMilliCpus.containsKey(e.getKey()));
  }

  /**
   * What placing one vCPU adds to its share's usage within a pass: with no decay, usage is what
   * the share holds, so the whole vCPU; with a decay time, usage is an average that the vCPU
   * raises by about {@code 1/decaySeconds} per second, so that much. Adding less than the whole
   * keeps the average in charge: a share that fell behind catches up over the following passes.
   */
  public static double usagePerPlacedVcpu(long decaySeconds) {
    return decaySeconds > 0 ? 1.0 / decaySeconds : 1.0;
  }

  /** Each share's usage in vCPU: its decayed average, or with no decay time what it holds now. */
  public Map<String, Double> usage(long decaySeconds, Map<String, Long> heldMilliCpus) {
    Map<String, Double> usage = new HashMap<>();
    if (decaySeconds > 0) {
      vcpuSeconds.forEach((share, value) -> usage.put(share, value / decaySeconds));
    } else {
      heldMilliCpus.forEach((share, milliCpus) -> usage.put(share, milliCpus / 1000.0));
    }
    return usage;
  }
}
