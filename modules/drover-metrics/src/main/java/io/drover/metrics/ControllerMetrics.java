package io.drover.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What a controller counts: jobs (submissions, status changes, retries, time to start), the API,
 * the scheduler's passes and, on the controller that hosts the scheduler singleton, its view of
 * queues and agents; the waiting jobs it keeps warm; and the cluster-wide jobs per queue and
 * state. Per-queue children are looked up once and cached, so the hot paths cost a map lookup and
 * an atomic add.
 */
public final class ControllerMetrics {

  private final Counter submitted;
  private final Counter transitions;
  private final Counter retries;
  private final Histogram submitToStart;
  private final Counter apiRequests;
  private final Histogram apiDuration;
  private final Histogram schedulerPass;
  private final Counter spotNotices;
  private final Map<String, QueueJobs> queues = new ConcurrentHashMap<>();
  private final Map<String, DistributionDataPoint> operations = new ConcurrentHashMap<>();
  private volatile SchedulerView schedulerView = SchedulerView.NONE;
  private volatile Map<String, Map<String, Long>> jobCounts = Map.of();
  private volatile Map<String, Integer> desiredVcpus = Map.of();
  private volatile Supplier<Optional<RequestLatencies>> cassandraRequests = Optional::empty;
  private volatile IntSupplier warmJobs = () -> 0;

  ControllerMetrics(PrometheusRegistry registry) {
    registry.register(this::cassandraSummary);
    submitted = Counter.builder()
        .name("drover_jobs_submitted_total")
        .help("Jobs accepted by SubmitJob on this controller (the job was durably submitted), by job queue.")
        .labelNames("queue")
        .register(registry);
    transitions = Counter.builder()
        .name("drover_job_transitions_total")
        .help("Job status changes persisted by the job entities on this controller, by job queue and new status.")
        .labelNames("queue", "to")
        .register(registry);
    retries = Counter.builder()
        .name("drover_job_retries_total")
        .help("Attempts that ended with the job going back to RUNNABLE (its retry strategy, or a reclaimed Spot host).")
        .labelNames("queue")
        .register(registry);
    submitToStart = Histogram.builder()
        .name("drover_job_submit_to_start_seconds")
        .help("Time from a job's submission to the start of its first attempt (RUNNING), by job queue.")
        .labelNames("queue")
        .classicOnly()
        .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
        .register(registry);
    apiRequests = Counter.builder()
        .name("drover_api_requests_total")
        .help("HTTP API requests answered by this controller, by operation and HTTP status code.")
        .labelNames("operation", "code")
        .register(registry);
    apiDuration = Histogram.builder()
        .name("drover_api_request_duration_seconds")
        .help("Time to answer an HTTP API request (from authentication to response), by operation.")
        .labelNames("operation")
        .classicOnly()
        .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    schedulerPass = Histogram.builder()
        .name("drover_scheduler_pass_duration_seconds")
        .help("Time of one scheduling pass (the scheduler singleton runs on one controller at a time).")
        .classicOnly()
        .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1)
        .register(registry);
    spotNotices = Counter.builder()
        .name("drover_spot_notices_total")
        .help("Spot interruption notices and rebalance recommendations the scheduler received, by compute environment.")
        .labelNames("compute_environment")
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_jobs")
        .help("Jobs by job queue and state over the whole cluster, from the read side (finished ones while they are "
            + "retained); every controller answers the same numbers, refreshed every read-side.job-counts-refresh.")
        .labelNames("queue", "state")
        .callback(cb -> jobCounts.forEach((queue, states) -> states.forEach((state, n) -> cb.call(n, queue, state))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_job_entities_warm")
        .help("RUNNABLE job entities this controller keeps in memory past their idle timeout, so that placing them "
            + "needs no journal replay; at most drover.controller.job.warm-runnable-jobs.")
        .callback(cb -> cb.call(warmJobs.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_scheduler_runnable_jobs")
        .help("RUNNABLE jobs the scheduler holds, by job queue (on the controller that hosts the scheduler).")
        .labelNames("queue")
        .callback(cb -> schedulerView.queues().forEach((queue, q) -> cb.call(q.runnable(), queue)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_runnable_oldest_age_seconds")
        .help("Age of the oldest RUNNABLE job the scheduler sees, by job queue (0 when none waits).")
        .labelNames("queue")
        .callback(cb -> {
          long now = System.currentTimeMillis();
          schedulerView.queues().forEach((queue, q) ->
              cb.call(q.oldestRunnableSince() == 0 ? 0 : Math.max(0, now - q.oldestRunnableSince()) / 1000.0, queue));
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_agents")
        .help("Agents registered with the scheduler, by compute environment and whether their host is Spot or On-Demand.")
        .labelNames("compute_environment", "lifecycle")
        .callback(cb -> schedulerView.environments().forEach((ce, e) -> {
          cb.call(e.spotAgents(), ce, "spot");
          cb.call(e.agents() - e.spotAgents(), ce, "on-demand");
        }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_compute_environment_desired_vcpus")
        .help("vCPUs the capacity manager aims at in each MANAGED compute environment after its last plan (on the "
            + "controller that hosts the scheduler); compare with drover_agent_capacity_vcpus, the vCPUs that joined.")
        .labelNames("compute_environment")
        .callback(cb -> desiredVcpus.forEach((ce, vcpus) -> cb.call(vcpus, ce)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_agent_capacity_vcpus")
        .help("vCPUs of the agents registered with the scheduler, by compute environment.")
        .labelNames("compute_environment")
        .callback(cb -> schedulerView.environments().forEach((ce, e) -> cb.call(e.capacityVcpus(), ce)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("drover_agent_allocated_vcpus")
        .help("vCPUs held by attempts on the agents registered with the scheduler, by compute environment.")
        .labelNames("compute_environment")
        .callback(cb -> schedulerView.environments().forEach((ce, e) -> cb.call(e.allocatedVcpus(), ce)))
        .register(registry);
  }

  /** SubmitJob accepted a job. */
  public void submitted(String queue) {
    queue(queue).submitted.inc();
  }

  /** A job entity persisted a change of its status to {@code to}. */
  public void transition(String queue, String to) {
    queue(queue).transitions.computeIfAbsent(to, t -> transitions.labelValues(queue, t)).inc();
  }

  /** An attempt ended and the job went back to RUNNABLE. */
  public void retried(String queue) {
    queue(queue).retries.inc();
  }

  /** A job's first attempt started, {@code millis} after it was submitted. */
  public void firstStart(String queue, long millis) {
    queue(queue).submitToStart.observe(Math.max(0, millis) / 1000.0);
  }

  /** The API answered an operation with an HTTP status, after {@code nanos}. */
  public void apiRequest(String operation, int status, long nanos) {
    apiRequests.labelValues(operation, Integer.toString(status)).inc();
    operations.computeIfAbsent(operation, apiDuration::labelValues).observe(nanos / 1e9);
  }

  /** One scheduling pass took {@code nanos}. */
  public void schedulerPass(long nanos) {
    schedulerPass.observe(nanos / 1e9);
  }

  /** The scheduler received a Spot notice from an agent of a compute environment. */
  public void spotNotice(String computeEnvironment) {
    spotNotices.labelValues(computeEnvironment).inc();
  }

  /** The scheduler on this controller publishes its view; {@link SchedulerView#NONE} when it stops here. */
  public void schedulerView(SchedulerView view) {
    schedulerView = view;
  }

  /** The cluster-wide jobs per queue and state, as last read from the read side. */
  public void jobCounts(Map<String, Map<String, Long>> counts) {
    jobCounts = Map.copyOf(counts);
  }

  /**
   * The vCPUs the capacity manager on this controller aims at, by MANAGED compute environment;
   * empty when it stops here.
   */
  public void desiredVcpus(Map<String, Integer> byEnvironment) {
    desiredVcpus = Map.copyOf(byEnvironment);
  }

  /** Where the number of warm RUNNABLE job entities on this controller is read at each scrape. */
  public void warmJobs(IntSupplier held) {
    warmJobs = held;
  }

  /** Where the Cassandra session's request latencies are read at each scrape. */
  public void cassandraRequests(Supplier<Optional<RequestLatencies>> source) {
    cassandraRequests = source;
  }

  private SummarySnapshot cassandraSummary() {
    SummarySnapshot.Builder summary = SummarySnapshot.builder()
        .name("drover_cassandra_request_duration_seconds")
        .help("CQL requests of this controller's Cassandra session (journal, snapshots, read side), as the driver "
            + "times them: count and recent quantiles.");
    cassandraRequests.get().ifPresent(latencies -> summary.dataPoint(SummaryDataPointSnapshot.builder()
        .count(latencies.count())
        .quantiles(Quantiles.of(new Quantile(0.5, latencies.p50()), new Quantile(0.95, latencies.p95()),
            new Quantile(0.99, latencies.p99())))
        .build()));
    return summary.build();
  }

  private QueueJobs queue(String queue) {
    return queues.computeIfAbsent(queue, this::newQueue);
  }

  private QueueJobs newQueue(String queue) {
    return new QueueJobs(submitted.labelValues(queue), retries.labelValues(queue), submitToStart.labelValues(queue));
  }

  private record QueueJobs(
      CounterDataPoint submitted,
      CounterDataPoint retries,
      DistributionDataPoint submitToStart,
      Map<String, CounterDataPoint> transitions) {

    QueueJobs(CounterDataPoint submitted, CounterDataPoint retries, DistributionDataPoint submitToStart) {
      this(submitted, retries, submitToStart, new ConcurrentHashMap<>());
    }
  }
}
