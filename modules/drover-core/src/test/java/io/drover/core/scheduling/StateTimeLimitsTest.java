package io.drover.core.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateTimeLimitsTest {

  private static final String TOO_BIG = Scheduler.JOB_RESOURCE_REQUIREMENT + " - Cannot run: no compute environment ...";
  private static final String NO_ROOM = Scheduler.INSUFFICIENT_CAPACITY + " - Waiting for capacity: ...";

  private final JobStateTimeLimitAction cancelTooBig =
      new JobStateTimeLimitAction(Scheduler.JOB_RESOURCE_REQUIREMENT, "RUNNABLE", 600, "CANCEL");
  private final JobStateTimeLimitAction cancelNoRoom =
      new JobStateTimeLimitAction(Scheduler.INSUFFICIENT_CAPACITY, "RUNNABLE", 3600, "CANCEL");

  @Test
  void anActionIsDueOnceTheJobWaitedItsTimeWithAMatchingReason() {
    List<JobStateTimeLimitAction> actions = List.of(cancelNoRoom, cancelTooBig);

    assertNull(StateTimeLimits.due(actions, TOO_BIG, 0, 599_999));
    assertEquals(cancelTooBig, StateTimeLimits.due(actions, TOO_BIG, 0, 600_000));
    assertNull(StateTimeLimits.due(actions, NO_ROOM, 0, 600_000));
    assertEquals(cancelNoRoom, StateTimeLimits.due(actions, NO_ROOM, 1_000, 3_601_000));
  }

  @Test
  void aJobWithoutAReasonOrAQueueWithoutActionsIsNeverDue() {
    assertNull(StateTimeLimits.due(List.of(cancelTooBig), null, 0, Long.MAX_VALUE));
    assertNull(StateTimeLimits.due(List.of(), TOO_BIG, 0, Long.MAX_VALUE));
    assertNull(StateTimeLimits.due(null, TOO_BIG, 0, Long.MAX_VALUE));
  }
}
