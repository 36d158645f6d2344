package io.drover.controller.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drover.core.job.JobEvent;
import io.drover.core.job.JobSpec;
import io.drover.core.job.JobState;
import io.drover.core.job.Placement;
import io.drover.core.model.JobStatus;
import io.drover.core.model.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/** Which transitions the cache answers itself and which it reads back from the journal. */
class JobStateCacheTest {

  private static final Placement HOST = new Placement("agent-1", "ref", "worker-1", null, "ce", true);

  private final Map<String, JobEvent.Submitted> journal = new HashMap<>();
  private final List<String> readBack = new ArrayList<>();
  /** Stands in for the journal: a job's only event before its placement is its submission. */
  private final JobStateCache cache = new JobStateCache(3, envelope -> {
    readBack.add(envelope.event().jobId());
    return CompletableFuture.completedFuture(JobState.submitted(journal.get(envelope.event().jobId())));
  });

  @Test
  void withMoreJobsWaitingThanItHoldsOnlyThoseItHadNoRoomForAreReadBackWhenPlacedOldestFirst() {
    for (int i = 1; i <= 5; i++) {
      submit("job-" + i);
    }
    for (int i = 1; i <= 5; i++) {
      JobStateCache.Transition placed = apply(new JobEvent.Placed("job-" + i, 1, HOST, 2_000 + i), 2);
      assertEquals(JobStatus.RUNNABLE, placed.before().status(), "job-" + i);
      assertEquals(JobStatus.STARTING, placed.after().status(), "job-" + i);
    }
    // Evicting the least recently used for each new job would have dropped job-1, job-2 and job-3
    // for job-4 and job-5, and read back all five.
    assertEquals(List.of("job-4", "job-5"), readBack);
  }

  @Test
  void aJobReadBackIsHeldForItsNextEvents() {
    for (int i = 1; i <= 4; i++) {
      submit("job-" + i);
    }
    apply(new JobEvent.Placed("job-4", 1, HOST, 2_000), 2);
    JobStateCache.Transition started = apply(new JobEvent.Started("job-4", 1, 3_000), 3);
    assertEquals(JobStatus.STARTING, started.before().status());
    assertEquals(JobStatus.RUNNING, started.after().status());
    assertEquals(List.of("job-4"), readBack);
  }

  @Test
  void aNewJobHasNoStateBeforeItsSubmission() {
    JobStateCache.Transition submitted = submit("job-1");
    assertNull(submitted.before());
    assertEquals(JobStatus.RUNNABLE, submitted.after().status());
    assertEquals(List.of(), readBack);
  }

  private JobStateCache.Transition submit(String jobId) {
    JobEvent.Submitted submitted = new JobEvent.Submitted(jobId, spec(jobId), 1_000);
    journal.put(jobId, submitted);
    return apply(submitted, 1);
  }

  private JobStateCache.Transition apply(JobEvent event, long sequenceNr) {
    return cache.apply(EventEnvelope.create(Offset.noOffset(), "Job|" + event.jobId(), sequenceNr, event, 0L))
        .toCompletableFuture().join();
  }

  private static JobSpec spec(String jobId) {
    return new JobSpec(jobId, jobId, "q", "arn:aws:batch:us-east-1:000000000000:job-definition/d:1", null,
        new Resources(1000, 512, 0), Map.of(), null, null, Map.of(), false, 0, null, List.of("EC2"), List.of(), null);
  }
}
