package io.drover.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.loadtest.bench.FailoverTimeline.Step;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The failover benchmark's steps, read from the surviving nodes' logs. */
class FailoverTimelineTest {

  private static final ZoneId ZONE = ZoneId.of("UTC");
  private static final String KILLED = "pekko://drover@127.0.0.1:20948";
  private static final String OTHER = "pekko://drover@127.0.0.1:23073";

  private static long at(String time) {
    return ZonedDateTime.parse("2026-11-29T" + time + "Z").toInstant().toEpochMilli();
  }

  @Test
  void theKilledNodesAddressComesFromItsStartUpLine() {
    List<String> log = List.of(
        "13:29:04.100 INFO  o.a.p.e.s.Slf4jLogger - Slf4jLogger started",
        "13:29:04.589 INFO  o.a.p.cluster.Cluster - Cluster Node [" + KILLED + "] - Starting up, Pekko version [1.2.1] ...",
        "13:29:04.681 INFO  o.a.p.cluster.Cluster - Cluster Node [" + KILLED + "] - Started up successfully");
    assertEquals(Optional.of(KILLED), FailoverTimeline.address(log));
    assertEquals(Optional.empty(), FailoverTimeline.address(List.of("13:29:04.100 INFO  x - nothing")));
  }

  @Test
  void eachStepIsTheEarliestLineAnySurvivorLoggedAfterTheKill() {
    List<String> controller2 = List.of(
        "13:29:16.230 INFO  o.a.p.c.s.ClusterSingletonManager - Singleton manager starting singleton actor "
            + "[pekko://drover/system/singletonManagerscheduler/scheduler]",
        "13:29:16.305 INFO  o.a.p.c.s.DDataShardCoordinator - Job: ShardCoordinator was moved to the active state with [0] shards",
        "13:30:17.401 WARN  o.a.p.cluster.Cluster - Cluster Node [" + OTHER + "] - Marking node as UNREACHABLE [Member("
            + KILLED + ", Up, 0.1.0-SNAPSHOT)].",
        "13:30:18.279 INFO  o.a.p.cluster.Cluster - Cluster Node [" + OTHER + "] - Marking unreachable node [" + KILLED
            + "] as [Down]",
        "13:30:18.899 INFO  o.a.p.cluster.Cluster - Cluster Node [" + OTHER + "] - Leader is removing unreachable node ["
            + KILLED + "]",
        "13:30:19.420 INFO  o.a.p.c.s.ClusterSingletonManager - Singleton manager starting singleton actor "
            + "[pekko://drover/system/singletonManagerscheduler/scheduler]",
        "13:30:20.050 INFO  o.a.p.c.s.DDataShardCoordinator - Job: ShardCoordinator was moved to the active state with [113] shards",
        "13:31:00.000 INFO  o.a.p.c.s.ClusterSingletonManager - Singleton manager starting singleton actor "
            + "[pekko://drover/system/singletonManagerscheduler/scheduler]");
    List<String> controller3 = List.of(
        "13:30:17.211 WARN  o.a.p.cluster.Cluster - Cluster Node [pekko://drover@127.0.0.1:30778] - Marking node as "
            + "UNREACHABLE [Member(" + KILLED + ", Up, 0.1.0-SNAPSHOT)].",
        "13:30:17.300 WARN  o.a.p.cluster.Cluster - Cluster Node [pekko://drover@127.0.0.1:30778] - Marking node as "
            + "UNREACHABLE [Member(" + OTHER + "0, Up, 0.1.0-SNAPSHOT)].");

    Map<Step, Double> steps = FailoverTimeline.read(List.of(controller2, controller3), KILLED, at("13:30:13.211"), ZONE);

    assertEquals(Map.of(Step.UNREACHABLE, 4.0, Step.DOWNED, 5.068, Step.REMOVED, 5.688, Step.SCHEDULER_STARTED, 6.209,
        Step.JOB_SHARDS_ACTIVE, 6.839), steps);
    assertEquals("unreachable 4.0 s, downed 5.1 s, removed 5.7 s, scheduler restarted 6.2 s, "
        + "job shards' coordinator active 6.8 s", FailoverTimeline.describe(steps));
  }

  @Test
  void aRunPastMidnightReadsTheNextDaysTimes() {
    List<String> log = List.of(
        "00:00:03.500 WARN  o.a.p.cluster.Cluster - Cluster Node [" + OTHER + "] - Marking node as UNREACHABLE [Member("
            + KILLED + ", Up, 0.1.0-SNAPSHOT)].");
    Map<Step, Double> steps = FailoverTimeline.read(List.of(log), KILLED, at("23:59:59.500"), ZONE);
    assertEquals(Map.of(Step.UNREACHABLE, 4.0), steps);
  }

  @Test
  void logsWithoutTheStepsSaySo() {
    Map<Step, Double> steps = FailoverTimeline.read(
        List.of(List.of("{\"message\":\"Marking node as UNREACHABLE [Member(" + KILLED + ", Up)]\"}")), KILLED,
        at("13:30:13.211"), ZONE);
    assertTrue(steps.isEmpty());
    assertEquals("not found in the logs", FailoverTimeline.describe(steps));
  }
}
