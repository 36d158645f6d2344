package io.drover.controller.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A controller's warm places: never more taken than its limit, and given back one by one. */
class WarmJobsTest {

  @Test
  void placesAreTakenUpToTheLimitAndFreedOnRelease() {
    WarmJobs warm = new WarmJobs(2);

    assertTrue(warm.tryHold());
    assertTrue(warm.tryHold());
    assertFalse(warm.tryHold(), "both places are taken");
    assertEquals(2, warm.held());

    warm.release();
    assertEquals(1, warm.held());
    assertTrue(warm.tryHold());
    assertEquals(2, warm.held());
  }

  @Test
  void aLimitOfZeroKeepsNoJobWarm() {
    WarmJobs warm = new WarmJobs(0);

    assertFalse(warm.tryHold());
    assertEquals(0, warm.held());
  }
}
