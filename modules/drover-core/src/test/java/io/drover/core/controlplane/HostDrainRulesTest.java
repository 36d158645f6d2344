package io.drover.core.controlplane;

import static io.drover.core.Fixtures.RULES;
import static io.drover.core.Fixtures.apply;
import static io.drover.core.Fixtures.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.controlplane.ControlPlaneEvent.HostDrained;
import io.drover.core.controlplane.ControlPlaneEvent.HostUndrained;
import io.drover.core.controlplane.HostRequest.DrainHost;
import io.drover.core.controlplane.HostRequest.UndrainHost;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostDrainRulesTest {

  private static final String ALICE = "arn:aws:iam::000000000000:user/alice";
  private static final String BOB = "arn:aws:iam::000000000000:user/bob";

  @Test
  void drainingRecordsWhyWhenAndByWhom() {
    ControlPlaneEvent event = RULES.execute(ControlPlaneState.EMPTY, new DrainHost("agent-1", "disk swap", ALICE, 1_000));

    assertEquals(new HostDrained("agent-1", new DrainedHost("disk swap", 1_000, ALICE)), event);
    ControlPlaneState state = ControlPlaneState.EMPTY.apply(event);
    assertEquals(Optional.of(new DrainedHost("disk swap", 1_000, ALICE)), state.drained("agent-1"));
    assertEquals(Optional.empty(), state.drained("agent-2"));
  }

  @Test
  void aDrainWithoutAReasonHasAnEmptyOne() {
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new DrainHost("agent-1", null, ALICE, 1_000));

    assertEquals("", state.drained("agent-1").orElseThrow().reason());
  }

  @Test
  void drainingADrainedHostAgainReplacesTheReasonButKeepsWhenItWasFirstDrained() {
    ControlPlaneState state = apply(ControlPlaneState.EMPTY,
        new DrainHost("agent-1", "disk swap", ALICE, 1_000),
        new DrainHost("agent-1", "disk swap, then a BIOS update", BOB, 5_000));

    assertEquals(new DrainedHost("disk swap, then a BIOS update", 1_000, BOB), state.drained("agent-1").orElseThrow());
  }

  @Test
  void undrainingRemovesOnlyThatHost() {
    ControlPlaneState drained = apply(ControlPlaneState.EMPTY,
        new DrainHost("agent-1", "a", ALICE, 1_000), new DrainHost("agent-2", "b", ALICE, 2_000));

    ControlPlaneEvent event = RULES.execute(drained, new UndrainHost("agent-1"));

    assertEquals(new HostUndrained("agent-1"), event);
    assertEquals(List.of("agent-2"), List.copyOf(drained.apply(event).drainedHosts().keySet()));
  }

  @Test
  void undrainingAHostThatIsNotDrainedIsRefusedNamingIt() {
    assertRejected(() -> RULES.execute(ControlPlaneState.EMPTY, new UndrainHost("agent-1")),
        "hostId 'agent-1' is not drained");
  }

  @Test
  void aReasonOverTheLimitAndAMissingHostIdAreRefusedNamingTheField() {
    String tooLong = "x".repeat(DrainedHost.MAX_REASON_LENGTH + 1);
    assertRejected(() -> RULES.execute(ControlPlaneState.EMPTY, new DrainHost("agent-1", tooLong, ALICE, 1_000)),
        "reason must be at most 256 characters, not 257");
    assertRejected(() -> RULES.execute(ControlPlaneState.EMPTY, new DrainHost(null, "r", ALICE, 1_000)), "hostId");
    assertRejected(() -> RULES.execute(ControlPlaneState.EMPTY, new DrainHost(" ", "r", ALICE, 1_000)), "hostId");
    assertRejected(() -> RULES.execute(ControlPlaneState.EMPTY, new UndrainHost("h".repeat(256))), "hostId");
  }

  @Test
  void theReasonLimitIsInclusive() {
    String longest = "x".repeat(DrainedHost.MAX_REASON_LENGTH);
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new DrainHost("agent-1", longest, ALICE, 1_000));

    assertTrue(state.drained("agent-1").isPresent());
  }

  @Test
  void otherChangesKeepTheDrainedHosts() {
    ControlPlaneState drained = apply(ControlPlaneState.EMPTY, new DrainHost("agent-1", "a", ALICE, 1_000));

    ControlPlaneState after = drained.apply(new ControlPlaneEvent.UserDeleted("nobody"))
        .apply(new ControlPlaneEvent.AccessKeyDeleted("AKIANOKEY"))
        .apply(new ControlPlaneEvent.JobQueueDeleted("none"))
        .apply(new ControlPlaneEvent.ComputeEnvironmentDeleted("none"))
        .apply(new ControlPlaneEvent.SchedulingPolicyDeleted("none"));

    assertEquals(drained.drainedHosts(), after.drainedHosts());
  }
}
