package io.drover.controller.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.drover.controller.ControllerSettings;
import io.drover.controller.readside.JobStateCache;
import io.drover.core.job.JobEvent;
import io.drover.core.job.JobStateChange;
import io.drover.protocol.Roles;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers job state changes to the webhooks in {@code drover.controller.events.webhooks}: each
 * change is POSTed as JSON (AWS's "Batch Job State Change" event) to every webhook whose queues
 * it concerns. A projection per job tag does it, so each change is delivered by one controller,
 * in order per job, and at least once: the projection's offset moves on only after delivery. A
 * webhook that keeps failing is retried with backoff, then skipped for that event with an error
 * in the log, so one dead receiver cannot stop the others for ever. Receivers tell repeats apart
 * by the event's {@code id}.
 */
public final class WebhookDelivery extends Handler<EventEnvelope<JobEvent>> {

  private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);

  /** One configured webhook; an empty {@code jobQueues} means every queue. */
  public record Webhook(URI url, Set<String> jobQueues) {

    static Webhook from(Config config) {
      URI url = URI.create(config.getString("url"));
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalArgumentException("drover.controller.events.webhooks: url " + url + " must be http or https.");
      }
      List<String> queues = config.hasPath("job-queues") ? config.getStringList("job-queues") : List.of();
      return new Webhook(url, Set.copyOf(queues));
    }

    boolean wants(JobStateChange change) {
      return jobQueues.isEmpty() || jobQueues.contains(change.jobQueueName());
    }
  }

  /** The webhooks in the configuration; none means no delivery runs. */
  public static List<Webhook> configured(Config root) {
    return root.getConfigList("drover.controller.events.webhooks").stream().map(Webhook::from).toList();
  }

  public static void init(ActorSystem<?> system, ControllerSettings settings, List<Webhook> webhooks, ObjectMapper json) {
    if (webhooks.isEmpty()) {
      return;
    }
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        "job-webhooks",
        settings.jobTags(),
        i -> ProjectionBehavior.create(CassandraProjection.atLeastOnce(
                ProjectionId.of("job-webhooks", "job-" + i),
                EventSourcedProvider.<JobEvent>eventsByTag(system, CassandraReadJournal.Identifier(), "job-" + i),
                () -> new WebhookDelivery(system, settings, webhooks, json))
            .withSaveOffset(1, Duration.ofSeconds(1))),
        ShardedDaemonProcessSettings.create(system).withRole(Roles.CONTROLLER),
        Optional.of(ProjectionBehavior.stopMessage()));
    log.info("Delivering job state changes to {} webhook(s)", webhooks.size());
  }

  private final ActorSystem<?> system;
  private final ControllerSettings settings;
  private final List<Webhook> webhooks;
  private final ObjectMapper json;
  private final JobStateCache states;

  private WebhookDelivery(ActorSystem<?> system, ControllerSettings settings, List<Webhook> webhooks, ObjectMapper json) {
    this.system = system;
    this.settings = settings;
    this.webhooks = webhooks;
    this.json = json;
    this.states = new JobStateCache(system, 20_000);
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<JobEvent> envelope) {
    return states.apply(envelope).thenCompose(t -> {
      JobStateChange change = JobStateChange.of(t.before(), t.after(),
          envelope.persistenceId() + "#" + envelope.sequenceNr(), envelope.event().at(), settings.identity());
      if (change == null) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      byte[] body = body(change);
      CompletableFuture<?>[] deliveries = webhooks.stream()
          .filter(webhook -> webhook.wants(change))
          .map(webhook -> deliver(webhook, change, body, 1).toCompletableFuture())
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(deliveries).thenApply(ignored -> Done.getInstance());
    });
  }

  private CompletionStage<Done> deliver(Webhook webhook, JobStateChange change, byte[] body, int attempt) {
    HttpRequest request = HttpRequest.POST(webhook.url().toString()).withEntity(ContentTypes.APPLICATION_JSON, body);
    return Http.get(system).singleRequest(request)
        .thenCompose(response -> response.discardEntityBytes(system).completionStage().thenApply(done -> response))
        .handle((HttpResponse response, Throwable error) -> {
          if (error == null && response.status().isSuccess()) {
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          String problem = error != null ? error.toString() : "HTTP " + response.status().intValue();
          if (attempt >= settings.webhookAttempts()) {
            log.error("Gave up delivering event {} (job {} {}) to webhook {} after {} attempts ({}); "
                    + "check the receiver and drover.controller.events.webhooks",
                change.id(), change.detail().jobId(), change.detail().status(), webhook.url(), attempt, problem);
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          Duration backoff = settings.webhookBackoff().multipliedBy(1L << Math.min(attempt - 1, 6));
          log.warn("Webhook {} refused event {} ({}); retrying in {} ms", webhook.url(), change.id(), problem,
              backoff.toMillis());
          return Patterns.after(backoff, system.classicSystem().scheduler(), system.executionContext(),
              () -> deliver(webhook, change, body, attempt + 1));
        })
        .thenCompose(stage -> stage);
  }

  private byte[] body(JobStateChange change) {
    try {
      return json.writeValueAsBytes(change);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + change, e);
    }
  }
}
