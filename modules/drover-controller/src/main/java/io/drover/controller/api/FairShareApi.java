package io.drover.controller.api;

import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.scheduler.SchedulerActor;
import io.drover.controller.scheduler.SchedulerActor.ShareState;
import io.drover.core.model.AwsIdentity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * {@code GET /drover/v1/fair-share}: each fair-share queue's shares as the scheduler orders them
 * now, with what each holds and its usage, read from the scheduler singleton. It needs
 * {@value #ACTION} on a queue to show it, like DescribeJobQueues: the answer holds the fair-share
 * queues the caller may describe. With {@code jobQueue} (a name or ARN) it answers that queue
 * alone (no shares when it is first in, first out), and refuses it without {@value #ACTION} on it.
 */
public final class FairShareApi {

  static final String ACTION = "batch:DescribeJobQueues";

  /** The answer: by queue name, its shares in share identifier order. */
  record FairShare(Map<String, QueueShares> queues) {}

  record QueueShares(List<ShareState> shares) {}

  private final ActorSystem<?> system;
  private final ActorRef<SchedulerActor.Command> scheduler;
  private final ControlPlaneClient controlPlane;
  private final AwsIdentity identity;
  private final Duration askTimeout;

  public FairShareApi(ActorSystem<?> system, ActorRef<SchedulerActor.Command> scheduler, ControlPlaneClient controlPlane,
      AwsIdentity identity, Duration askTimeout) {
    this.system = system;
    this.scheduler = scheduler;
    this.controlPlane = controlPlane;
    this.identity = identity;
    this.askTimeout = askTimeout;
  }

  CompletionStage<FairShare> shares(Access access, Optional<String> jobQueue) {
    if (jobQueue.isPresent()) {
      String name = AwsIdentity.nameFrom(jobQueue.get(), "job-queue", "jobQueue");
      access.require(ACTION, identity.jobQueueArn(name));
      return controlPlane.read(state -> controlPlane.rules().jobQueue(state, name, "jobQueue"))
          .thenCompose(queue -> ask().thenApply(answer -> new FairShare(Map.of(queue.jobQueueName(),
              new QueueShares(answer.queues().getOrDefault(queue.jobQueueName(), List.of()))))));
    }
    access.requireSomewhere(ACTION, identity.jobQueueArn("*"));
    return ask().thenApply(answer -> {
      Map<String, QueueShares> visible = new LinkedHashMap<>();
      access.allowedQueues(ACTION, answer.queues(), identity::jobQueueArn)
          .forEach((name, shares) -> visible.put(name, new QueueShares(shares)));
      return new FairShare(visible);
    });
  }

  private CompletionStage<SchedulerActor.FairShares> ask() {
    return AskPattern.ask(scheduler, SchedulerActor.DescribeFairShare::new, askTimeout, system.scheduler());
  }
}
