package io.drover.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drover.core.model.Resources;
import io.drover.protocol.SchedulerProtocol.HostedAttempt;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which STARTING and RUNNING jobs the scheduler's reconcile takes for attempts that lost their
 * host: only those no agent lists, running or ended. An attempt whose end its agent still lists
 * may have an exit on its way to a job whose controller was restarting.
 */
class SchedulerReconcileTest {

  private static HostedAttempt attempt(String jobId) {
    return new HostedAttempt(jobId, 1, Resources.of(1, 16, 0), "queue", null);
  }

  private static SchedulerActor.Agent agent(List<String> running, List<String> ended) {
    SchedulerActor.Agent agent = new SchedulerActor.Agent();
    agent.running = running.stream().collect(Collectors.toMap(jobId -> jobId, SchedulerReconcileTest::attempt));
    agent.ended = ended.stream().map(SchedulerReconcileTest::attempt).toList();
    return agent;
  }

  @Test
  void onlyJobsNoAgentListsRunningOrEndedAndNoneInFlightAreUnaccounted() {
    List<SchedulerActor.Agent> agents = List.of(
        agent(List.of("running-here"), List.of("ended-here")),
        agent(List.of(), List.of("ended-there", "running-here")));

    List<String> unaccounted = SchedulerActor.unaccounted(
        List.of("running-here", "ended-here", "ended-there", "placed", "lost", "also-lost"), Set.of("placed"), agents);

    assertEquals(List.of("lost", "also-lost"), unaccounted);
  }

  @Test
  void withNoAgentEveryActiveJobNotInFlightIsUnaccounted() {
    assertEquals(List.of("a", "c"), SchedulerActor.unaccounted(List.of("a", "b", "c"), Set.of("b"), List.of()));
  }
}
