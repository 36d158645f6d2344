package io.drover.controller.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.controller.readside.JobCounts.Cell;
import io.drover.core.model.JobStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counting moves a job from its status before an event to its status after, once per event. */
class JobCountsTest {

  private static final long DAY = 20_000;
  private static final Cell SUBMITTED = new Cell("q", JobStatus.SUBMITTED, 0);
  private static final Cell RUNNABLE = new Cell("q", JobStatus.RUNNABLE, 0);
  private static final Cell RUNNING = new Cell("q", JobStatus.RUNNING, 0);
  private static final Cell SUCCEEDED = new Cell("q", JobStatus.SUCCEEDED, DAY);

  /** Job {@code id} goes SUBMITTED (seq 1), RUNNABLE (2), RUNNING (3), SUCCEEDED (4). */
  private static void lifecycle(JobCounts counts, String id) {
    counts.apply(id, 1, null, SUBMITTED);
    counts.apply(id, 2, SUBMITTED, RUNNABLE);
    counts.apply(id, 3, RUNNABLE, RUNNING);
    counts.apply(id, 4, RUNNING, SUCCEEDED);
  }

  @Test
  void aJobIsCountedOnceInItsLatestStatus() {
    JobCounts counts = JobCounts.empty();
    counts.apply("Job|a", 1, null, SUBMITTED);
    counts.apply("Job|a", 2, SUBMITTED, RUNNABLE);
    counts.apply("Job|b", 1, null, SUBMITTED);
    assertEquals(1, counts.count(SUBMITTED));
    assertEquals(1, counts.count(RUNNABLE));

    counts.apply("Job|a", 3, RUNNABLE, RUNNABLE);
    assertEquals(1, counts.count(RUNNABLE), "an event that keeps the status moves nothing");

    lifecycle(counts, "Job|c");
    assertEquals(1, counts.count(SUCCEEDED));
    assertEquals(0, counts.count(RUNNING));
  }

  @Test
  void aRepeatedGroupIsNotCountedAgain() {
    JobCounts counts = JobCounts.empty();
    lifecycle(counts, "Job|a");
    Map<Cell, Long> saved = Map.of(SUCCEEDED, 1L, SUBMITTED, 0L, RUNNABLE, 0L, RUNNING, 0L);
    assertEquals(saved, counts.endGroup(0));

    // The projection crashed before saving its offset: the same events come again, to a handler that
    // loaded what was saved, followed by one new job.
    JobCounts restarted = new JobCounts(saved, counts.applied());
    lifecycle(restarted, "Job|a");
    assertFalse(restarted.apply("Job|a", 4, RUNNING, SUCCEEDED));
    assertTrue(restarted.apply("Job|b", 1, null, SUBMITTED));
    assertEquals(1, restarted.count(SUCCEEDED));
    assertEquals(1, restarted.count(SUBMITTED));
    assertEquals(0, restarted.count(RUNNING));
  }

  @Test
  void aRepeatSpanningTwoGroupsRegroupedIsCountedOnce() {
    JobCounts counts = JobCounts.empty();
    counts.apply("Job|a", 1, null, SUBMITTED);
    counts.endGroup(0);
    counts.apply("Job|b", 1, null, SUBMITTED);
    counts.apply("Job|a", 2, SUBMITTED, RUNNABLE);
    Map<Cell, Long> saved = Map.of(SUBMITTED, 1L, RUNNABLE, 1L);
    counts.endGroup(0);

    JobCounts restarted = new JobCounts(saved, counts.applied());
    restarted.apply("Job|a", 1, null, SUBMITTED);
    restarted.apply("Job|b", 1, null, SUBMITTED);
    restarted.apply("Job|a", 2, SUBMITTED, RUNNABLE);
    restarted.endGroup(0);
    restarted.apply("Job|a", 3, RUNNABLE, RUNNING);
    assertEquals(1, restarted.count(SUBMITTED));
    assertEquals(0, restarted.count(RUNNABLE));
    assertEquals(1, restarted.count(RUNNING));
  }

  @Test
  void onlyTheJobsOfTheLastTwoGroupsAreRemembered() {
    JobCounts counts = JobCounts.empty();
    counts.apply("Job|a", 1, null, SUBMITTED);
    counts.endGroup(0);
    counts.apply("Job|b", 1, null, SUBMITTED);
    counts.endGroup(0);
    assertEquals(Map.of("Job|a", 1L, "Job|b", 1L), counts.applied());
    counts.apply("Job|c", 1, null, SUBMITTED);
    counts.endGroup(0);
    assertEquals(Map.of("Job|b", 1L, "Job|c", 1L), counts.applied());
  }

  @Test
  void aGroupSavesTheCellsItChangedAndForgetsFinishedDaysPastRetention() {
    JobCounts counts = JobCounts.empty();
    lifecycle(counts, "Job|a");
    counts.endGroup(0);
    counts.apply("Job|b", 1, null, SUBMITTED);
    assertEquals(Map.of(SUBMITTED, 1L), counts.endGroup(0), "only what this group changed");

    counts.endGroup(DAY + 1);
    assertEquals(0, counts.count(SUCCEEDED), "the day left the retention period");
    assertEquals(1, counts.count(SUBMITTED), "unfinished jobs stay");
  }
}
