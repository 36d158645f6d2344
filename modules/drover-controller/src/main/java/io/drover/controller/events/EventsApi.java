package io.drover.controller.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.core.job.JobStateChange;
import io.drover.core.model.AwsIdentity;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * {@code GET /drover/v1/events}: job state changes as server-sent events, each an AWS "Batch Job
 * State Change" event (EventBridge's shape, {@code detail} being the JobDetail), optionally only
 * those of one {@code jobQueue} (name or ARN) and/or one {@code jobId}. Events arrive a couple of
 * seconds after the change (they come from the read-side projection). A client that reads too
 * slowly loses the oldest events beyond 1,000 rather than slowing Drover down.
 */
public final class EventsApi {

  private static final int BUFFER = 1000;
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final ActorRef<Topic.Command<JobStateChange>> topic;
  private final ObjectMapper json;

  public EventsApi(ActorRef<Topic.Command<JobStateChange>> topic, ObjectMapper json) {
    this.topic = topic;
    this.json = json;
  }

  /** The changes of the jobs asked for, among those in queues {@code visibleQueue} accepts (by queue name). */
  public Source<ServerSentEvent, NotUsed> stream(
      Optional<String> jobQueue, Optional<String> jobId, Predicate<String> visibleQueue) {
    Predicate<JobStateChange> wanted = change -> visibleQueue.test(change.jobQueueName());
    if (jobQueue.isPresent()) {
      String queue = AwsIdentity.nameFrom(jobQueue.get(), "job-queue", "jobQueue");
      wanted = wanted.and(change -> change.jobQueueName().equals(queue));
    }
    if (jobId.isPresent()) {
      String id = jobId.get();
      wanted = wanted.and(change -> change.detail().jobId().equals(id));
    }
    Predicate<JobStateChange> filter = wanted;
    return ActorSource.<JobStateChange>actorRef(change -> false, change -> Optional.empty(), BUFFER, OverflowStrategy.dropHead())
        .mapMaterializedValue(subscriber -> {
          topic.tell(Topic.subscribe(subscriber));
          return NotUsed.getInstance();
        })
        .filter(filter::test)
        .map(this::event)
        .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat);
  }

  private ServerSentEvent event(JobStateChange change) {
    try {
      return ServerSentEvent.create(json.writeValueAsString(change), JobStateChange.DETAIL_TYPE, change.id());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + change, e);
    }
  }
}
