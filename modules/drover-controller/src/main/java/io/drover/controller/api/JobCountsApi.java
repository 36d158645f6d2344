package io.drover.controller.api;

import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.readside.JobCountStore;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /drover/v1/job-counts}: how many jobs each queue holds in each status, over the whole
 * cluster, from the read side (finished jobs while ListJobs still lists them), the numbers of the
 * {@code drover_jobs} gauge. Every queue that exists is answered, with zeros when it holds no job,
 * and so is any queue with counted jobs left after it was deleted. Like ListJobs, it needs
 * {@value #ACTION} on a queue to show it: the answer holds only the queues the caller may list.
 * With {@code jobQueue} (a name or ARN) it answers that queue alone, and refuses it without
 * {@value #ACTION} on it.
 */
final class JobCountsApi {

  static final String ACTION = "batch:ListJobs";

  /** The answer: per queue name, the jobs in each status (every status named, in lifecycle order). */
  record JobCounts(Map<String, Map<JobStatus, Long>> queues) {}

  private final JobCountStore store;
  private final ControlPlaneClient controlPlane;
  private final AwsIdentity identity;

  JobCountsApi(JobCountStore store, ControlPlaneClient controlPlane, AwsIdentity identity) {
    this.store = store;
    this.controlPlane = controlPlane;
    this.identity = identity;
  }

  CompletionStage<JobCounts> counts(Access access, Optional<String> jobQueue, long now) {
    if (jobQueue.isPresent()) {
      String name = AwsIdentity.nameFrom(jobQueue.get(), "job-queue", "jobQueue");
      access.require(ACTION, identity.jobQueueArn(name));
      return controlPlane.read(state -> controlPlane.rules().jobQueue(state, name, "jobQueue"))
          .thenCompose(queue -> store.totals(now).thenApply(totals ->
              new JobCounts(Map.of(queue.jobQueueName(), complete(totals.getOrDefault(queue.jobQueueName(), Map.of()))))));
    }
    access.requireSomewhere(ACTION, identity.jobQueueArn("*"));
    return store.totals(now).thenApply(totals -> {
      Map<String, Map<JobStatus, Long>> queues = new TreeMap<>();
      controlPlane.state().jobQueues().keySet().forEach(name -> queues.put(name, Map.of()));
      queues.putAll(totals);
      Map<String, Map<JobStatus, Long>> visible = access.allowedQueues(ACTION, queues, identity::jobQueueArn);
      visible.replaceAll((name, counts) -> complete(counts));
      return new JobCounts(visible);
    });
  }

  private static Map<JobStatus, Long> complete(Map<JobStatus, Long> counts) {
    Map<JobStatus, Long> all = new LinkedHashMap<>();
    for (JobStatus status : JobStatus.values()) {
      all.put(status, counts.getOrDefault(status, 0L));
    }
    return all;
  }
}
