package io.drover.core.scheduling;

import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A fair-share queue's policy and usage, as one pass sees them.
 *
 * <p>The pass serves the share with the lowest usage times weight factor first, adding to a
 * share's usage what each placement will add to it, so a share with half the weight factor gets
 * twice the vCPU. Usage comes from {@link ShareUsage}: each share's average vCPU over the
 * policy's decay time, or what it holds now when the decay time is 0.
 *
 * @param weightFactor a share's weight factor (AWS's {@code weightFactor}; lower gets more)
 * @param computeReservationPercent AWS's {@code computeReservation}: with {@code n} active shares,
 *     {@code (percent/100)^n} of the queue's vCPU is held back for shares not running yet
 * @param heldMilliCpus vCPU (thousandths) each share's jobs hold now, started or placed; a share
 *     holding some is active
 * @param usage each share's usage in vCPU
 * @param usagePerPlacedVcpu how much a placed vCPU adds to its share's usage during the pass
 *     ({@link ShareUsage#usagePerPlacedVcpu})
 */
public record FairShareView(
    ToDoubleFunction<String> weightFactor,
    int computeReservationPercent,
    Map<String, Long> heldMilliCpus,
    Map<String, Double> usage,
    double usagePerPlacedVcpu) {

  /** A view whose usage is what each share holds now (no decay). */
  public FairShareView(
      ToDoubleFunction<String> weightFactor, int computeReservationPercent, Map<String, Long> heldMilliCpus,
      Map<String, Double> usage) {
    this(weightFactor, computeReservationPercent, heldMilliCpus, usage, 1.0);
  }
}
