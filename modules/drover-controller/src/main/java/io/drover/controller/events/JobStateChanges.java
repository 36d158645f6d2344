package io.drover.controller.events;

import io.drover.core.job.JobStateChange;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The cluster-wide topic of job state changes: the read-side projection publishes each change
 * once; every controller's event streams subscribe to it locally.
 */
public final class JobStateChanges {

  public static final String TOPIC = "drover-job-state-changes";

  private JobStateChanges() {}

  /** This node's handle on the topic (one per node). */
  public static ActorRef<Topic.Command<JobStateChange>> start(ActorSystem<?> system) {
    return system.systemActorOf(Topic.create(JobStateChange.class, TOPIC), "job-state-changes", Props.empty());
  }
}
