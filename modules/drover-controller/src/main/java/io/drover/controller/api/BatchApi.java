package io.drover.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.drover.controller.ControllerSettings;
import io.drover.controller.api.Responses.ComputeEnvironmentNameArn;
import io.drover.controller.api.Responses.Empty;
import io.drover.controller.api.Responses.JobDefinitionRegistered;
import io.drover.controller.api.Responses.JobQueueNameArn;
import io.drover.controller.api.Responses.JobSubmitted;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.job.JobEntity;
import io.drover.controller.queue.JobQueueActor;
import io.drover.controller.readside.JobReadStore;
import io.drover.core.ClientError;
import io.drover.core.api.CancelJobRequest;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeleteComputeEnvironmentRequest;
import io.drover.core.api.DeleteJobQueueRequest;
import io.drover.core.api.DeleteSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.DescribeComputeEnvironmentsRequest;
import io.drover.core.api.DescribeJobDefinitionsRequest;
import io.drover.core.api.DescribeJobQueuesRequest;
import io.drover.core.api.DescribeJobsRequest;
import io.drover.core.api.DescribeSchedulingPoliciesRequest;
import io.drover.core.api.JobDependency;
import io.drover.core.api.KeyValuesPair;
import io.drover.core.api.ListJobsRequest;
import io.drover.core.api.ListSchedulingPoliciesRequest;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.SubmitJobRequest;
import io.drover.core.api.TerminateJobRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.api.UpdateJobQueueRequest;
import io.drover.core.api.UpdateSchedulingPolicyRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.JobDefinition;
import io.drover.core.job.JobDetail;
import io.drover.core.job.JobSpec;
import io.drover.core.job.JobViews;
import io.drover.core.job.Submissions;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.JobStatus;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.queue.JobQueue;
import io.drover.metrics.ControllerMetrics;
import io.drover.protocol.JobProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS Batch REST/JSON API: {@code POST /v1/<operation>} with AWS's request and response
 * shapes, so the AWS SDKs and CLI work against Drover with an endpoint override. Operation names
 * are matched without regard to case, as AWS's own endpoint does.
 */
public final class BatchApi {

  private static final Logger log = LoggerFactory.getLogger(BatchApi.class);

  /** One operation: its request type and what it does, for a caller, with a parsed request. */
  private record Operation<T>(Class<T> requestType, BiFunction<Access, T, CompletionStage<?>> handler) {
    CompletionStage<?> handle(ObjectMapper json, Access access, String body) {
      return handler.apply(access, parse(json, body, requestType));
    }
  }

  /**
   * The action that lets a caller create a compute environment whose agents may run jobs as plain
   * host processes (tag {@value ComputeEnvironment#PROCESS_EXECUTOR_TAG}): an administrator's grant.
   */
  public static final String ENABLE_PROCESS_EXECUTOR = "drover:EnableProcessExecutor";

  /** Seeing a job: DescribeJobs, its logs and its state-change events, per queue. */
  public static final String DESCRIBE_JOBS = "batch:DescribeJobs";

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_:-]{1,128}");
  private static final Duration EXPLAIN_TIMEOUT = Duration.ofSeconds(2);

  private final ObjectMapper json;
  private final ControllerSettings settings;
  private final ControlPlaneClient controlPlane;
  private final ClusterSharding sharding;
  private final JobReadStore readStore;
  private final AwsIdentity identity;
  private final Map<String, Operation<?>> operations;
  private final ControllerMetrics metrics;

  public BatchApi(
      ActorSystem<?> system,
      ObjectMapper json,
      ControllerSettings settings,
      ControlPlaneClient controlPlane,
      JobReadStore readStore,
      ControllerMetrics metrics) {
    this.json = json;
    this.metrics = metrics;
    this.settings = settings;
    this.controlPlane = controlPlane;
    this.sharding = ClusterSharding.get(system);
    this.readStore = readStore;
    this.identity = settings.identity();
    this.operations = Map.ofEntries(
        operation("CreateComputeEnvironment", CreateComputeEnvironmentRequest.class, (a, r) -> {
          String arn = identity.computeEnvironmentArn(orEmpty(r.computeEnvironmentName()));
          a.require("batch:CreateComputeEnvironment", arn);
          if (ComputeEnvironment.enablesProcessExecutor(r.tags())) {
            a.require(ENABLE_PROCESS_EXECUTOR, arn);
          }
          return change(r).thenApply(e -> computeEnvironmentNameArn(e));
        }),
        operation("UpdateComputeEnvironment", UpdateComputeEnvironmentRequest.class, (a, r) -> {
          a.require("batch:UpdateComputeEnvironment", computeEnvironmentArn(r.computeEnvironment()));
          return change(r).thenApply(e -> computeEnvironmentNameArn(e));
        }),
        operation("DeleteComputeEnvironment", DeleteComputeEnvironmentRequest.class, (a, r) -> {
          a.require("batch:DeleteComputeEnvironment", computeEnvironmentArn(r.computeEnvironment()));
          return change(r).thenApply(e -> new Empty());
        }),
        operation("DescribeComputeEnvironments", DescribeComputeEnvironmentsRequest.class, this::describeComputeEnvironments),
        operation("CreateJobQueue", CreateJobQueueRequest.class, (a, r) -> {
          a.require("batch:CreateJobQueue", identity.jobQueueArn(orEmpty(r.jobQueueName())));
          return change(r).thenApply(e -> jobQueueNameArn(e));
        }),
        operation("UpdateJobQueue", UpdateJobQueueRequest.class, (a, r) -> {
          a.require("batch:UpdateJobQueue", jobQueueArn(r.jobQueue()));
          return change(r).thenApply(e -> jobQueueNameArn(e));
        }),
        operation("DeleteJobQueue", DeleteJobQueueRequest.class, (a, r) -> {
          a.require("batch:DeleteJobQueue", jobQueueArn(r.jobQueue()));
          return change(r).thenApply(e -> new Empty());
        }),
        operation("DescribeJobQueues", DescribeJobQueuesRequest.class, this::describeJobQueues),
        operation("RegisterJobDefinition", RegisterJobDefinitionRequest.class, (a, r) -> {
          a.require("batch:RegisterJobDefinition", jobDefinitionArn(orEmpty(r.jobDefinitionName())));
          return change(r).thenApply(e -> {
            JobDefinition d = ((ControlPlaneEvent.JobDefinitionRegistered) e).jobDefinition();
            return new JobDefinitionRegistered(d.jobDefinitionName(), d.jobDefinitionArn(), d.revision());
          });
        }),
        operation("DeregisterJobDefinition", DeregisterJobDefinitionRequest.class, (a, r) -> {
          a.require("batch:DeregisterJobDefinition",
              jobDefinitionArn(AwsIdentity.nameFrom(orEmpty(r.jobDefinition()), "job-definition", "jobDefinition")));
          return change(r).thenApply(e -> new Empty());
        }),
        operation("DescribeJobDefinitions", DescribeJobDefinitionsRequest.class, this::describeJobDefinitions),
        operation("CreateSchedulingPolicy", CreateSchedulingPolicyRequest.class, (a, r) -> {
          a.require("batch:CreateSchedulingPolicy", identity.schedulingPolicyArn(orEmpty(r.name())));
          return change(r).thenApply(e -> {
            SchedulingPolicy p = ((ControlPlaneEvent.SchedulingPolicyCreated) e).schedulingPolicy();
            return new Responses.SchedulingPolicyNameArn(p.name(), p.arn());
          });
        }),
        operation("UpdateSchedulingPolicy", UpdateSchedulingPolicyRequest.class, (a, r) -> {
          a.require("batch:UpdateSchedulingPolicy", schedulingPolicyArn(r.arn()));
          return change(r).thenApply(e -> new Empty());
        }),
        operation("DeleteSchedulingPolicy", DeleteSchedulingPolicyRequest.class, (a, r) -> {
          a.require("batch:DeleteSchedulingPolicy", schedulingPolicyArn(r.arn()));
          return change(r).thenApply(e -> new Empty());
        }),
        operation("DescribeSchedulingPolicies", DescribeSchedulingPoliciesRequest.class, this::describeSchedulingPolicies),
        operation("ListSchedulingPolicies", ListSchedulingPoliciesRequest.class, this::listSchedulingPolicies),
        operation("SubmitJob", SubmitJobRequest.class, this::submitJob),
        operation("DescribeJobs", DescribeJobsRequest.class, this::describeJobs),
        operation("ListJobs", ListJobsRequest.class, this::listJobs),
        operation("CancelJob", CancelJobRequest.class, (a, r) -> jobCommand(a, "batch:CancelJob",
            required(r.jobId(), "jobId"), ClientError.required(r.reason(), "reason"), true)),
        operation("TerminateJob", TerminateJobRequest.class, (a, r) -> jobCommand(a, "batch:TerminateJob",
            required(r.jobId(), "jobId"), ClientError.required(r.reason(), "reason"), false)));
  }

  public AwsIdentity identity() {
    return identity;
  }

  private static <T> Map.Entry<String, Operation<?>> operation(
      String name, Class<T> type, BiFunction<Access, T, CompletionStage<?>> handler) {
    return Map.entry(name.toLowerCase(Locale.ROOT), new Operation<>(type, handler));
  }

  /** The operation names, as AWS spells them, for error messages and docs. */
  public Set<String> operationNames() {
    return operations.keySet();
  }

  /**
   * Runs {@code operation} on a JSON body for a caller; fails with {@link ClientError} or
   * {@link ApiException} on bad input or a call the caller's policies do not allow.
   */
  public CompletionStage<?> handle(Access access, String operation, String body) {
    Operation<?> op = operations.get(operation.toLowerCase(Locale.ROOT));
    if (op == null) {
      throw ApiException.notFound("UnknownOperationException",
          "Unknown operation '" + operation + "'. Drover serves the AWS Batch API at POST /v1/<operation>, for example /v1/submitjob.");
    }
    return op.handle(json, access, body);
  }

  /** True for operations that only read: their signed requests may be repeated. */
  public static boolean readsOnly(String operation) {
    String name = operation.toLowerCase(Locale.ROOT);
    return name.startsWith("describe") || name.startsWith("list");
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private String computeEnvironmentArn(String nameOrArn) {
    return identity.computeEnvironmentArn(AwsIdentity.nameFrom(orEmpty(nameOrArn), "compute-environment", "computeEnvironment"));
  }

  private String jobQueueArn(String nameOrArn) {
    return identity.jobQueueArn(AwsIdentity.nameFrom(orEmpty(nameOrArn), "job-queue", "jobQueue"));
  }

  private String schedulingPolicyArn(String nameOrArn) {
    return identity.schedulingPolicyArn(AwsIdentity.nameFrom(orEmpty(nameOrArn), "scheduling-policy", "arn"));
  }

  /** {@code name} or {@code name:revision} as an ARN; policies name definitions as job-definition/name:revision. */
  private String jobDefinitionArn(String nameAndRevision) {
    return "arn:aws:batch:" + identity.region() + ":" + identity.accountId() + ":job-definition/" + nameAndRevision;
  }

  // ---- control plane

  private CompletionStage<ControlPlaneEvent> change(ControlPlaneRequest request) {
    return controlPlane.execute(request);
  }

  private static ComputeEnvironmentNameArn computeEnvironmentNameArn(ControlPlaneEvent event) {
    ComputeEnvironment ce = event instanceof ControlPlaneEvent.ComputeEnvironmentCreated c
        ? c.computeEnvironment()
        : ((ControlPlaneEvent.ComputeEnvironmentUpdated) event).computeEnvironment();
    return new ComputeEnvironmentNameArn(ce.computeEnvironmentName(), ce.computeEnvironmentArn());
  }

  private static JobQueueNameArn jobQueueNameArn(ControlPlaneEvent event) {
    JobQueue queue = event instanceof ControlPlaneEvent.JobQueueCreated c
        ? c.jobQueue()
        : ((ControlPlaneEvent.JobQueueUpdated) event).jobQueue();
    return new JobQueueNameArn(queue.jobQueueName(), queue.jobQueueArn());
  }

  private CompletionStage<?> describeComputeEnvironments(Access access, DescribeComputeEnvironmentsRequest r) {
    access.requireSomewhere("batch:DescribeComputeEnvironments", identity.computeEnvironmentArn("*"));
    ControlPlaneState state = controlPlane.state();
    Set<String> wanted = names(r.computeEnvironments(), "compute-environment", "computeEnvironments");
    List<ComputeEnvironment> all = state.computeEnvironments().values().stream()
        .filter(ce -> wanted == null || wanted.contains(ce.computeEnvironmentName()))
        .filter(ce -> access.allows("batch:DescribeComputeEnvironments", ce.computeEnvironmentArn()))
        .toList();
    Paged<ComputeEnvironment> page = Paged.of(all, ComputeEnvironment::computeEnvironmentName, r.maxResults(), r.nextToken());
    return done(new Responses.ComputeEnvironments(page.items(), page.nextToken()));
  }

  private CompletionStage<?> describeJobQueues(Access access, DescribeJobQueuesRequest r) {
    access.requireSomewhere("batch:DescribeJobQueues", identity.jobQueueArn("*"));
    ControlPlaneState state = controlPlane.state();
    Set<String> wanted = names(r.jobQueues(), "job-queue", "jobQueues");
    List<JobQueue> all = state.jobQueues().values().stream()
        .filter(q -> wanted == null || wanted.contains(q.jobQueueName()))
        .filter(q -> access.allows("batch:DescribeJobQueues", q.jobQueueArn()))
        .toList();
    Paged<JobQueue> page = Paged.of(all, JobQueue::jobQueueName, r.maxResults(), r.nextToken());
    return done(new Responses.JobQueues(page.items(), page.nextToken()));
  }

  private CompletionStage<?> describeJobDefinitions(Access access, DescribeJobDefinitionsRequest r) {
    access.requireSomewhere("batch:DescribeJobDefinitions", jobDefinitionArn("*"));
    ControlPlaneState state = controlPlane.state();
    ClientError.require(r.jobDefinitions() == null || r.jobDefinitions().size() <= 100,
        "jobDefinitions lists " + (r.jobDefinitions() == null ? 0 : r.jobDefinitions().size()) + " entries; at most 100 are allowed.");
    ClientError.require(r.status() == null || r.status().equals(JobDefinition.ACTIVE) || r.status().equals(JobDefinition.INACTIVE),
        "status '" + r.status() + "' must be ACTIVE or INACTIVE.");
    Stream<JobDefinition> candidates;
    if (r.jobDefinitions() != null) {
      Set<JobDefinition> selected = new LinkedHashSet<>();
      for (String ref : r.jobDefinitions()) {
        String nameAndRevision = AwsIdentity.nameFrom(ref, "job-definition", "jobDefinitions");
        if (nameAndRevision.contains(":")) {
          String name = nameAndRevision.substring(0, nameAndRevision.lastIndexOf(':'));
          try {
            int revision = Integer.parseInt(nameAndRevision.substring(nameAndRevision.lastIndexOf(':') + 1));
            state.jobDefinition(name, revision).ifPresent(selected::add);
          } catch (NumberFormatException e) {
            throw new ClientError("jobDefinitions entry '" + ref + "' must be name:revision or an ARN.");
          }
        } else {
          selected.addAll(state.revisions(nameAndRevision));
        }
      }
      candidates = selected.stream();
    } else {
      candidates = state.jobDefinitions().values().stream().flatMap(List::stream);
    }
    List<JobDefinition> all = candidates
        .filter(d -> r.jobDefinitionName() == null || d.jobDefinitionName().equals(r.jobDefinitionName()))
        .filter(d -> r.status() == null || d.status().equals(r.status()))
        .filter(d -> access.allows("batch:DescribeJobDefinitions", d.jobDefinitionArn()))
        .toList();
    Paged<JobDefinition> page = Paged.of(all,
        d -> d.jobDefinitionName() + ":" + String.format("%010d", d.revision()), r.maxResults(), r.nextToken());
    return done(new Responses.JobDefinitions(page.items(), page.nextToken()));
  }

  /** The policies named (by ARN, or name) that exist, in name order; AWS requires the list. */
  private CompletionStage<?> describeSchedulingPolicies(Access access, DescribeSchedulingPoliciesRequest r) {
    access.requireSomewhere("batch:DescribeSchedulingPolicies", identity.schedulingPolicyArn("*"));
    Set<String> wanted = names(ClientError.required(r.arns(), "arns"), "scheduling-policy", "arns");
    List<SchedulingPolicy> found = controlPlane.state().schedulingPolicies().values().stream()
        .filter(p -> wanted.contains(p.name()))
        .filter(p -> access.allows("batch:DescribeSchedulingPolicies", p.arn()))
        .toList();
    return done(new Responses.SchedulingPolicies(found));
  }

  private CompletionStage<?> listSchedulingPolicies(Access access, ListSchedulingPoliciesRequest r) {
    access.requireSomewhere("batch:ListSchedulingPolicies", identity.schedulingPolicyArn("*"));
    List<SchedulingPolicy> all = controlPlane.state().schedulingPolicies().values().stream()
        .filter(p -> access.allows("batch:ListSchedulingPolicies", p.arn()))
        .toList();
    Paged<SchedulingPolicy> page = Paged.of(all, SchedulingPolicy::name, r.maxResults(), r.nextToken());
    return done(new Responses.SchedulingPolicyListing(
        page.items().stream().map(p -> new Responses.SchedulingPolicyListingDetail(p.arn())).toList(), page.nextToken()));
  }

  /** Names from a list of names or ARNs; null when the list is absent (meaning: all). */
  private static Set<String> names(List<String> namesOrArns, String resourceType, String field) {
    if (namesOrArns == null) {
      return null;
    }
    ClientError.require(namesOrArns.size() <= 100, field + " lists " + namesOrArns.size() + " entries; at most 100 are allowed.");
    Set<String> names = new HashSet<>();
    namesOrArns.forEach(n -> names.add(AwsIdentity.nameFrom(ClientError.required(n, field), resourceType, field)));
    return names;
  }

  // ---- jobs

  /**
   * The caller needs batch:SubmitJob on both the queue and the definition revision, as in AWS, and
   * batch:DescribeJobs on the queue of every job it names in dependsOn (or it could learn of jobs
   * it may not see).
   */
  private CompletionStage<?> submitJob(Access access, SubmitJobRequest request) {
    String jobId = Submissions.jobId(access.principal().accessKeyId(), access.invocationId());
    return controlPlane.read(state -> Submissions.resolve(state, controlPlane.rules(), request, jobId))
        .thenCompose(spec -> {
          access.require("batch:SubmitJob", identity.jobQueueArn(spec.jobQueue()));
          access.require("batch:SubmitJob", spec.jobDefinitionArn());
          return requireParents(access, spec).thenCompose(ignored -> submit(spec, access.invocationId()));
        });
  }

  /**
   * Every job named in dependsOn must exist when the dependent is submitted; an N_TO_N dependency
   * must be an array job of the same size.
   */
  private CompletionStage<Void> requireParents(Access access, JobSpec spec) {
    List<JobDependency> named = spec.dependsOn().stream().filter(d -> d.jobId() != null).toList();
    List<CompletableFuture<JobEntity.JobSnapshot>> parents = named.stream()
        .map(d -> job(d.jobId()).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(parents.toArray(CompletableFuture[]::new)).thenRun(() -> {
      for (int i = 0; i < named.size(); i++) {
        JobEntity.JobSnapshot parent = parents.get(i).join();
        ClientError.require(parent.state() != null, "dependsOn jobId '" + parent.jobId() + "' does not exist.");
        access.require(DESCRIBE_JOBS, identity.jobQueueArn(parent.state().spec().jobQueue()));
        if (JobSpec.N_TO_N.equals(named.get(i).type())) {
          JobSpec parentSpec = parent.state().spec();
          ClientError.require(parentSpec.isArrayParent() && parentSpec.array().size().equals(spec.array().size()),
              "dependsOn jobId '" + parent.jobId() + "' is N_TO_N, so it must be an array job of the same size ("
                  + spec.array().size() + ").");
        }
      }
    });
  }

  /**
   * Submits the job; a retry of an accepted call ({@code invocationId} the same) finds its job and
   * answers as the first try did.
   */
  private CompletionStage<JobSubmitted> submit(JobSpec spec, String invocationId) {
    CompletionStage<StatusReply<Done>> asked = sharding.entityRefFor(JobProtocol.JOB, spec.jobId())
        .ask(replyTo -> new JobEntity.Submit(spec.jobId(), spec, System.currentTimeMillis(), replyTo),
            settings.askTimeout());
    return timeoutNamingTheJob(asked, spec.jobId(), invocationId)
        .thenApply(reply -> {
          if (reply.isError()) {
            throw new ClientError(invocationId == null
                ? reply.getError().getMessage()
                : "This call's amz-sdk-invocation-id (" + invocationId + ") already submitted job " + spec.jobId()
                    + " with other parameters. An SDK sends the same id only when it retries a call; "
                    + "give each new SubmitJob call an id of its own.");
          }
          metrics.submitted(spec.jobQueue());
          return new JobSubmitted(identity.jobArn(spec.jobId()), spec.jobName(), spec.jobId());
        });
  }

  /**
   * A job that does not answer its submission in time may still be created (its shard is moving, or
   * Cassandra is slow), and the caller cannot look for a job whose id it never got: so this 503
   * names the job, and says whether retrying the call as it is finds that job.
   */
  static <T> CompletionStage<T> timeoutNamingTheJob(CompletionStage<T> asked, String jobId, String invocationId) {
    return asked.exceptionally(failure -> {
      if (!ApiRoutes.timedOut(ApiRoutes.unwrap(failure))) {
        throw failure instanceof RuntimeException unchecked ? unchecked : new CompletionException(failure);
      }
      log.warn("SubmitJob of job {} got no answer within the ask timeout; the caller got a 503 naming the job, which "
          + "may still be created. If this repeats, check /ready and the Cassandra latency.", jobId);
      String retry = invocationId == null
          ? "This call had no amz-sdk-invocation-id header, so sending it again would submit a second job: "
          : "Retrying this call as it is (same amz-sdk-invocation-id, as an SDK retries) finds that job if it was "
              + "created; before a new call, ";
      throw new ApiException(StatusCodes.SERVICE_UNAVAILABLE, "ServerException",
          "SubmitJob did not finish in time (a controller or Cassandra is slow or restarting), so job " + jobId
              + " may or may not have been created. " + retry + "call DescribeJobs with jobs [\"" + jobId
              + "\"] to see whether it was.");
    });
  }

  /** Lists only the jobs in queues where the caller may describe jobs; the others are left out, as unknown ids are. */
  private CompletionStage<?> describeJobs(Access access, DescribeJobsRequest request) {
    access.requireSomewhere(DESCRIBE_JOBS, identity.jobQueueArn("*"));
    List<String> ids = ClientError.required(request.jobs(), "jobs");
    ClientError.require(ids.size() <= 100, "jobs lists " + ids.size() + " job ids; at most 100 are allowed.");
    List<CompletableFuture<JobEntity.JobSnapshot>> snapshots = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      ClientError.require(id != null, "jobs cannot contain null.");
      if (JOB_ID.matcher(id).matches()) {
        snapshots.add(job(id).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(snapshots.toArray(CompletableFuture[]::new))
        .thenCompose(ignored -> withWaitReasons(
            snapshots.stream().map(CompletableFuture::join)
                .filter(s -> s.state() != null)
                .filter(s -> access.allows(DESCRIBE_JOBS, identity.jobQueueArn(s.state().spec().jobQueue())))
                .toList()))
        .thenApply(Responses.Jobs::new);
  }

  /**
   * A RUNNABLE job's status reason says why it is not running yet: its queue keeps the
   * scheduler's latest reason. A queue that does not answer in time leaves the job as it is.
   */
  private CompletionStage<List<JobDetail>> withWaitReasons(List<JobEntity.JobSnapshot> jobs) {
    Map<String, List<String>> runnableByQueue = new HashMap<>();
    jobs.stream().map(JobEntity.JobSnapshot::state).filter(j -> j.status() == JobStatus.RUNNABLE)
        .forEach(j -> runnableByQueue.computeIfAbsent(j.spec().jobQueue(), q -> new ArrayList<>()).add(j.spec().jobId()));
    List<CompletableFuture<Map<String, String>>> explanations = new ArrayList<>();
    runnableByQueue.forEach((queue, jobIds) -> explanations.add(sharding.entityRefFor(JobQueueActor.TYPE, queue)
        .<JobQueueActor.Explanation>ask(replyTo -> new JobQueueActor.Explain(jobIds, replyTo), EXPLAIN_TIMEOUT)
        .thenApply(JobQueueActor.Explanation::reasons)
        .exceptionally(e -> Map.of())
        .toCompletableFuture()));
    return CompletableFuture.allOf(explanations.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      Map<String, String> reasons = new HashMap<>();
      explanations.forEach(e -> reasons.putAll(e.join()));
      return jobs.stream().map(snapshot -> {
        JobDetail detail = JobViews.detail(snapshot.state(), identity, snapshot.children());
        String reason = reasons.get(snapshot.jobId());
        return reason == null ? detail : detail.withStatusReason(reason);
      }).toList();
    });
  }

  /** The read-side tables ListJobs reads; the cost report reads them too. */
  JobReadStore readStore() {
    return readStore;
  }

  /** The control plane the operations read; the job counts list its queues. */
  ControlPlaneClient controlPlane() {
    return controlPlane;
  }

  /** Asks the job entity for its state. */
  public CompletionStage<JobEntity.JobSnapshot> job(String jobId) {
    return sharding.entityRefFor(JobProtocol.JOB, jobId)
        .ask(replyTo -> new JobEntity.Get(jobId, replyTo), settings.askTimeout());
  }

  /** Needs batch:ListJobs on the queue, or for an array's children on the array job's queue. */
  private CompletionStage<?> listJobs(Access access, ListJobsRequest request) {
    ClientError.require(request.multiNodeJobId() == null, "multiNodeJobId: multi-node jobs are not available.");
    ClientError.require((request.jobQueue() == null) != (request.arrayJobId() == null),
        "Name either jobQueue or arrayJobId (exactly one).");
    int maxResults = request.maxResults() == null ? 1000 : request.maxResults();
    ClientError.require(maxResults >= 1 && maxResults <= 1000, "maxResults must be from 1 to 1000, not " + maxResults + ".");
    JobReadStore.Filter filter = filter(request.filters());
    JobStatus status = request.jobStatus() == null ? JobStatus.RUNNING : request.jobStatus();
    if (request.arrayJobId() != null) {
      String arrayJobId = required(request.arrayJobId(), "arrayJobId");
      return job(arrayJobId).thenCompose(parent -> {
        ClientError.require(parent.state() != null, "arrayJobId '" + arrayJobId + "' does not exist.");
        access.require("batch:ListJobs", identity.jobQueueArn(parent.state().spec().jobQueue()));
        return readStore.listChildren(arrayJobId, status, filter, maxResults, request.nextToken());
      }).thenApply(page -> new Responses.JobSummaries(page.summaries(), page.nextToken()));
    }
    String queue = AwsIdentity.nameFrom(request.jobQueue(), "job-queue", "jobQueue");
    access.require("batch:ListJobs", identity.jobQueueArn(queue));
    long now = System.currentTimeMillis();
    return controlPlane.read(state -> controlPlane.rules().jobQueue(state, queue, "jobQueue"))
        .thenCompose(q -> filter == null
            ? readStore.list(q.jobQueueName(), status, maxResults, request.nextToken(), now)
            : readStore.list(q.jobQueueName(), filter, maxResults, request.nextToken(), now))
        .thenApply(page -> new Responses.JobSummaries(page.summaries(), page.nextToken()));
  }

  /** AWS allows one filter at a time; with it, jobStatus is ignored and every status is listed. */
  private static JobReadStore.Filter filter(List<KeyValuesPair> filters) {
    if (filters == null || filters.isEmpty()) {
      return null;
    }
    ClientError.require(filters.size() == 1, "filters lists " + filters.size() + " filters; use one at a time.");
    KeyValuesPair filter = filters.get(0);
    ClientError.required(filter.name(), "filters[0].name");
    ClientError.require(filter.values() != null && filter.values().size() == 1 && filter.values().get(0) != null,
        "filters[0].values must hold exactly one value.");
    return new JobReadStore.Filter(filter.name(), filter.values().get(0));
  }

  /** Cancel and terminate are allowed per queue: the caller needs the action on the job's queue. */
  private CompletionStage<?> jobCommand(Access access, String action, String jobId, String reason, boolean cancel) {
    return job(jobId).thenCompose(snapshot -> {
      ClientError.require(snapshot.state() != null, "jobId '" + jobId + "' does not exist.");
      access.require(action, identity.jobQueueArn(snapshot.state().spec().jobQueue()));
      return jobCommand(jobId, reason, cancel);
    });
  }

  private CompletionStage<?> jobCommand(String jobId, String reason, boolean cancel) {
    return sharding.entityRefFor(JobProtocol.JOB, jobId)
        .<StatusReply<Done>>ask(replyTo -> cancel
                ? new JobEntity.Cancel(jobId, reason, replyTo)
                : new JobEntity.Terminate(jobId, reason, replyTo),
            settings.askTimeout())
        .thenApply(reply -> {
          if (reply.isError()) {
            throw new ClientError(reply.getError().getMessage());
          }
          return new Empty();
        });
  }

  private static String required(String jobId, String field) {
    ClientError.required(jobId, field);
    ClientError.require(JOB_ID.matcher(jobId).matches(), field + " '" + jobId + "' is not a job id.");
    return jobId;
  }

  // ---- plumbing

  private static CompletionStage<Object> done(Object value) {
    return CompletableFuture.completedFuture(value);
  }

  /** Parses a request body; malformed JSON, unknown fields and wrong types are client errors naming the field. */
  static <T> T parse(ObjectMapper json, String body, Class<T> type) {
    String text = body == null || body.isBlank() ? "{}" : body;
    try {
      return json.readValue(text.getBytes(StandardCharsets.UTF_8), type);
    } catch (UnrecognizedPropertyException e) {
      throw new ClientError("Unknown field '" + path(e) + "': Drover does not accept it in this request.");
    } catch (InvalidFormatException e) {
      throw new ClientError("Invalid value " + e.getValue() + " for '" + path(e) + "': " + e.getOriginalMessage().replaceAll("\\s+", " "));
    } catch (JsonMappingException e) {
      throw new ClientError("Invalid value for '" + path(e) + "': " + e.getOriginalMessage().replaceAll("\\s+", " "));
    } catch (JsonProcessingException e) {
      throw new ClientError("The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ClientError("The request body could not be read: " + e.getMessage());
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "(body)" : path.toString();
  }

  /** Name-ordered pagination for the Describe operations: the token is the last name returned. */
  record Paged<T>(List<T> items, String nextToken) {
    static <T> Paged<T> of(List<T> all, Function<T, String> key, Integer maxResults, String nextToken) {
      int max = maxResults == null ? 100 : maxResults;
      ClientError.require(max >= 1 && max <= 100, "maxResults must be from 1 to 100, not " + max + ".");
      String after = null;
      if (nextToken != null) {
        try {
          after = new String(Base64.getUrlDecoder().decode(nextToken), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new ClientError("nextToken '" + nextToken + "' is not a token this operation returned.");
        }
      }
      List<T> sorted = new ArrayList<>(all);
      sorted.sort(Comparator.comparing(key));
      List<T> page = new ArrayList<>();
      String last = null;
      boolean more = false;
      for (T item : sorted) {
        String k = key.apply(item);
        if (after != null && k.compareTo(after) <= 0) {
          continue;
        }
        if (page.size() == max) {
          more = true;
          break;
        }
        page.add(item);
        last = k;
      }
      String token = more ? Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)) : null;
      return new Paged<>(page, token);
    }
  }
}
