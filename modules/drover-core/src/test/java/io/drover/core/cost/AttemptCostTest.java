package io.drover.core.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drover.core.job.Attempt;
import io.drover.core.job.JobSpec;
import io.drover.core.job.Placement;
import io.drover.core.model.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptCostTest {

  private static final double EPSILON = 1e-12;
  private static final Resources C5_XLARGE = Resources.of(4, 8192, 0);

  static JobSpec spec(String jobId, String queue, String share, Resources resources, Map<String, String> tags) {
    return new JobSpec(jobId, "job", queue, "arn:aws:batch:us-east-1:123456789012:job-definition/app:1", null,
        resources, Map.of(), null, null, tags, false, 0, share, List.of("EC2"), List.of(), null);
  }

  static Placement host(Double hourly, Double onDemandHourly, Boolean spot, Resources capacity) {
    return new Placement("agent-1", "ref", "worker-1", "i-0abc", "ce", false, "c5.xlarge", hourly, onDemandHourly, spot,
        capacity);
  }

  static Attempt attempt(int number, Placement placement, Long startedAt, Long stoppedAt) {
    return new Attempt(number, placement, 0, startedAt, stoppedAt, 0, null, null, "drover/j/" + number, null);
  }

  @Test
  void aJobPaysForItsShareOfTheHostForAsLongAsItRan() {
    JobSpec spec = spec("j", "q", "team_a", Resources.of(1, 1024, 0), Map.of("team", "data"));
    AttemptCost cost = AttemptCost.of(spec, attempt(2, host(0.068, 0.17, true, C5_XLARGE), 10_000L, 1_810_000L));

    assertEquals(1800.0, cost.vcpuSeconds(), EPSILON, "1 vCPU for 30 minutes");
    assertEquals(0.068 * 0.25 * 0.5, cost.cost(), EPSILON, "a quarter of the host for half an hour");
    assertEquals(0.17 * 0.25 * 0.5, cost.onDemandCost(), EPSILON);
    assertEquals(AttemptCost.SPOT, cost.lifecycle());
    assertEquals("j", cost.jobId());
    assertEquals(2, cost.attempt());
    assertEquals(1_810_000L, cost.endedAt());
    assertEquals("team_a", cost.shareIdentifier());
    assertEquals(Map.of("team", "data"), cost.tags());
    assertEquals("c5.xlarge", cost.instanceType());
  }

  @Test
  void theShareIsTheLargestFractionOfTheHostReservedAndAtMostTheWholeHost() {
    assertEquals(0.75, AttemptCost.share(Resources.of(1, 6144, 0), C5_XLARGE), EPSILON, "memory dominates");
    assertEquals(1.0, AttemptCost.share(Resources.of(1, 1024, 1), Resources.of(8, 65536, 1)), EPSILON,
        "the only GPU takes the host");
    assertEquals(1.0, AttemptCost.share(Resources.of(8, 1024, 0), C5_XLARGE), EPSILON);
    assertEquals(0.125, AttemptCost.share(Resources.of(0.5, 0, 0), C5_XLARGE), EPSILON);
  }

  @Test
  void withoutAPriceOrTheHostsCapacityOnlyVcpuSecondsAreKnown() {
    JobSpec spec = spec("j", "q", null, Resources.of(2, 1024, 0), Map.of());
    AttemptCost unpriced = AttemptCost.of(spec, attempt(1, host(null, null, false, C5_XLARGE), 0L, 60_000L));
    assertEquals(120.0, unpriced.vcpuSeconds(), EPSILON);
    assertNull(unpriced.cost());
    assertNull(unpriced.onDemandCost());

    AttemptCost old = AttemptCost.of(spec,
        attempt(1, new Placement("agent-1", "ref", "worker-1", null, "ce", false), 0L, 60_000L));
    assertEquals(120.0, old.vcpuSeconds(), EPSILON, "placed before hosts reported prices");
    assertNull(old.cost());
    assertNull(old.lifecycle());
    assertNull(old.instanceType());
  }

  @Test
  void anAttemptThatNeverStartedOrHasNotEndedHasNoCostYet() {
    JobSpec spec = spec("j", "q", null, Resources.of(1, 1024, 0), Map.of());
    Placement placement = host(0.17, 0.17, false, C5_XLARGE);
    assertNull(AttemptCost.of(spec, attempt(1, placement, null, 5_000L)), "failed to start: never held the host");
    assertNull(AttemptCost.of(spec, attempt(1, placement, 1_000L, null)), "still running");
  }
}
