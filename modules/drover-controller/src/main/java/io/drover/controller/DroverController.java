package io.drover.controller;

import com.codahale.metrics.Metric;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metrics.DefaultSessionMetric;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.api.AdminApi;
import io.drover.controller.api.ApiRoutes;
import io.drover.controller.api.ApiTls;
import io.drover.controller.api.BatchApi;
import io.drover.controller.api.FairShareApi;
import io.drover.controller.api.HostsApi;
import io.drover.controller.api.LogsApi;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.events.EventsApi;
import io.drover.controller.events.JobStateChanges;
import io.drover.controller.events.WebhookDelivery;
import io.drover.controller.job.JobEntity;
import io.drover.controller.lease.NodeLease;
import io.drover.controller.logs.LogIngest;
import io.drover.controller.queue.JobQueueActor;
import io.drover.controller.readside.CassandraSchema;
import io.drover.controller.readside.JobProjection;
import io.drover.controller.readside.JobReadStore;
import io.drover.controller.readside.LogStore;
import io.drover.controller.capacity.CapacityProviders;
import io.drover.controller.capacity.CapacitySettings;
import io.drover.controller.scheduler.SchedulerActor;
import io.drover.controller.security.Authenticator;
import io.drover.controller.security.SecuritySettings;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.job.JobStateChange;
import io.drover.metrics.ControllerMetrics;
import io.drover.metrics.NodeMetrics;
import io.drover.metrics.RequestLatencies;
import io.drover.protocol.JobProtocol;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts everything a controller node runs: the control plane, job and queue sharding, the
 * scheduler singleton, the read-side projections, log ingestion and the HTTP API (signed requests
 * only; HTTPS when a key store is configured).
 */
public final class DroverController {

  private static final Logger log = LoggerFactory.getLogger(DroverController.class);

  private final ControllerSettings settings;
  private final ControlPlaneClient controlPlane;
  private final CompletionStage<ServerBinding> binding;

  private DroverController(ControllerSettings settings, ControlPlaneClient controlPlane, CompletionStage<ServerBinding> binding) {
    this.settings = settings;
    this.controlPlane = controlPlane;
    this.binding = binding;
  }

  /**
   * Starts the controller role on {@code system}. Connects to Cassandra first (blocking the
   * caller, never an actor), so a node that cannot reach it fails fast with a clear message.
   */
  public static DroverController start(ActorSystem<?> system) {
    ControllerSettings settings = ControllerSettings.from(system.settings().config());
    SecuritySettings security = SecuritySettings.from(system.settings().config());
    if (security.masterKey().isBlank()) {
      throw new IllegalStateException("drover.security.master-key (DROVER_MASTER_KEY) is not set. Every controller "
          + "of a cluster needs the same master key: it seals users' secret access keys. Create one with "
          + "`./drover admin master-key` and give it to every controller.");
    }
    CqlSession session = connect(system);
    if (settings.createSchema()) {
      CassandraSchema.create(system, session, settings);
      await(CassandraProjection.createTablesIfNotExists(system), "create the projection offset tables");
    }
    ObjectMapper storage = Json.storageMapper();
    JobReadStore readStore = new JobReadStore(session, settings.readSideKeyspace(), storage, settings.readSideRetention());
    LogStore logStore = new LogStore(session, settings.readSideKeyspace());

    ControlPlaneClient controlPlane =
        ControlPlaneClient.start(system, new ControlPlaneRules(settings.identity()), settings.askTimeout());
    if (NodeLease.CONFIG_PATH.equals(system.settings().config().getString("pekko.cluster.sharding.use-lease"))) {
      // Now, not when the first shard asks for it: the lease also downs crashed controllers (LeaseDowning).
      NodeLease.get(Adapter.toClassic(system));
    }
    ControllerMetrics metrics = NodeMetrics.get(system).controller();
    metrics.cassandraRequests(() -> requestLatencies(session));
    JobEntity.init(system, settings, metrics);
    system.systemActorOf(JobProtocol.gateway(), "job-gateway", Props.empty());
    CapacitySettings capacitySettings = CapacitySettings.from(system.settings().config());
    ActorRef<SchedulerActor.Command> scheduler = SchedulerActor.init(system, settings, controlPlane, readStore,
        CapacityProviders.start(system, capacitySettings), capacitySettings, metrics);
    JobQueueActor.init(system, settings, readStore, controlPlane, scheduler);
    ActorRef<Topic.Command<JobStateChange>> stateChanges = JobStateChanges.start(system);
    JobProjection.init(system, settings, readStore, stateChanges);
    WebhookDelivery.init(system, settings, WebhookDelivery.configured(system.settings().config()), Json.storageMapper());
    system.systemActorOf(LogIngest.create(logStore), "log-ingest", Props.empty());

    ObjectMapper api = Json.mapper();
    Authenticator authenticator =
        new Authenticator(security, settings.identity(), controlPlane::state, api, Clock.systemUTC());
    BatchApi batch = new BatchApi(system, api, settings, controlPlane, readStore, metrics);
    ApiRoutes routes = new ApiRoutes(api, batch,
        new AdminApi(api, controlPlane, authenticator.secrets(), settings.identity()),
        new LogsApi(batch, logStore, api), new EventsApi(stateChanges, api),
        new HostsApi(system, scheduler, controlPlane, settings.identity(), api, settings.askTimeout()),
        new FairShareApi(system, scheduler, controlPlane, settings.identity(), settings.askTimeout()),
        authenticator, security, metrics);
    ServerBuilder server = Http.get(system).newServerAt(settings.httpInterface(), settings.httpPort());
    if (security.tls().isPresent()) {
      server = server.enableHttps(ApiTls.serverContext(security.tls().get()));
    }
    String scheme = security.tls().isPresent() ? "https" : "http";
    CompletionStage<ServerBinding> binding = server
        .bind(routes.route())
        .thenApply(b -> {
          b.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
          ApiReadinessCheck.listening(system, true);
          CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "api-not-ready", () -> {
            ApiReadinessCheck.listening(system, false);
            return CompletableFuture.completedFuture(Done.getInstance());
          });
          log.info("AWS Batch API listening on {}://{}:{}", scheme, settings.httpInterface(), b.localAddress().getPort());
          return b;
        });
    return new DroverController(settings, controlPlane, binding);
  }

  /**
   * The driver's own timing of the session's CQL requests (nanoseconds), when its
   * {@code cql-requests} session metric is enabled (conf/persistence.conf).
   */
  private static Optional<RequestLatencies> requestLatencies(CqlSession session) {
    return session.getMetrics()
        .flatMap(m -> m.<Metric>getSessionMetric(DefaultSessionMetric.CQL_REQUESTS))
        .filter(Timer.class::isInstance)
        .map(metric -> {
          Timer timer = (Timer) metric;
          Snapshot snapshot = timer.getSnapshot();
          return new RequestLatencies(timer.getCount(), snapshot.getMedian() / 1e9,
              snapshot.get95thPercentile() / 1e9, snapshot.get99thPercentile() / 1e9);
        });
  }

  private static CqlSession connect(ActorSystem<?> system) {
    return await(CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra").underlying(),
        "connect to Cassandra (check datastax-java-driver.basic.contact-points and that Cassandra is running)");
  }

  private static <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Drover could not " + what + ": " + e.getMessage(), e);
    }
  }

  public ControllerSettings settings() {
    return settings;
  }

  public ControlPlaneClient controlPlane() {
    return controlPlane;
  }

  /** The HTTP binding; completes once the API listens. */
  public CompletionStage<ServerBinding> binding() {
    return binding;
  }
}
