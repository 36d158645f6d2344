package io.drover.controller.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.drover.controller.lease.LeaseStore.NodeRow;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeaseTimingTest {

  private static final LeaseTiming TIMING =
      new LeaseTiming(Duration.ofSeconds(1), Duration.ofSeconds(7), Duration.ofSeconds(3), Duration.ofMillis(500));

  @Test
  void theHolderStopsOneHeartbeatBeforeOthersMayTakeOverEvenWithSkewedClocks() {
    long sentAtMillis = 1_000_000;
    NodeRow row = new NodeRow("10.0.0.1:25520", UUID.randomUUID(), TIMING.expiresAt(sentAtMillis));
    assertEquals(sentAtMillis + 7_000, row.expiresAt());
    assertEquals(6_000_000_000L, TIMING.validUntil(0), "the holder's own deadline, on its monotonic clock");

    assertFalse(TIMING.expired(row, sentAtMillis + 7_000), "the others wait for the timeout");
    assertFalse(TIMING.expired(row, sentAtMillis + 7_500), "and for the clock skew they allow");
    assertTrue(TIMING.expired(row, sentAtMillis + 7_501));
  }

  @Test
  void renewalsMayKeepTakingHalfOfWhatTheTimeoutLeavesAfterTwoHeartbeats() {
    // Sent at 0, done at 2.5 s, the next sent at 3.5 s and done at 6 s: just within the 6 s the first gave.
    assertEquals(Duration.ofMillis(2_500), TIMING.slowestSteadyRenewal());
  }

  @Test
  void timingsThatLeaveNoRoomToStopOrToRenewAreRefused() {
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
        () -> new LeaseTiming(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(tooShort.getMessage().contains("heartbeat-timeout"), tooShort.getMessage());
    IllegalArgumentException slowOperations = assertThrows(IllegalArgumentException.class,
        () -> new LeaseTiming(Duration.ofSeconds(1), Duration.ofSeconds(7), Duration.ofSeconds(7), Duration.ZERO));
    assertTrue(slowOperations.getMessage().contains("lease-operation-timeout"), slowOperations.getMessage());
  }

  @Test
  void theShippedSettingsAreAccepted() {
    LeaseTiming shipped = LeaseTiming.from(ConfigFactory.load().getConfig("drover.controller.lease"));
    assertEquals(Duration.ofMillis(500), shipped.heartbeatInterval());
    assertEquals(Duration.ofSeconds(5), shipped.heartbeatTimeout());
  }
}
