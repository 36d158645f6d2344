package io.drover.controller.serialization;

import io.drover.controller.controlplane.ControlPlaneEntity;
import io.drover.controller.job.JobEntity;
import io.drover.controller.queue.JobQueueActor;
import io.drover.controller.scheduler.SchedulerActor;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeleteComputeEnvironmentRequest;
import io.drover.core.api.DeleteJobQueueRequest;
import io.drover.core.api.DeleteSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.JobDependency;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.api.UpdateJobQueueRequest;
import io.drover.core.api.UpdateSchedulingPolicyRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.controlplane.DrainedHost;
import io.drover.core.controlplane.HostRequest;
import io.drover.core.definition.ContainerMount;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.JobDefinition;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.MountPoint;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.definition.Volume;
import io.drover.core.job.ArrayProgress;
import io.drover.core.job.ArraySpec;
import io.drover.core.job.Attempt;
import io.drover.core.job.JobDetail;
import io.drover.core.job.JobEvent;
import io.drover.core.job.JobSpec;
import io.drover.core.job.JobState;
import io.drover.core.job.JobStateChange;
import io.drover.core.job.JobSummary;
import io.drover.core.job.Placement;
import io.drover.core.model.JobStatus;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ObjectStatus;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.Resources;
import io.drover.core.model.State;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.policy.ShareAttributes;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobQueue;
import io.drover.core.queue.JobStateTimeLimitAction;
import io.drover.core.scheduling.JobTicket;
import io.drover.core.users.AccessKey;
import io.drover.core.users.User;
import io.drover.core.users.UserRequest;
import io.drover.protocol.AgentProtocol;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.LogProtocol;
import io.drover.protocol.SchedulerProtocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * What the fixtures of each version hold (in {@code src/test/resources/wire/<version>/}), built
 * with today's types: {@link WireCompatibilityTest} reads every fixture with today's code and
 * expects exactly the sample it was written from.
 *
 * <p>A version's catalog keeps its meaning for ever. When a type gains a field, its samples in the
 * older catalogs get the value old data reads as (null, false, 0, an empty list): that is what the
 * test then proves. A new version's catalog starts from the previous one, puts its new types and
 * values on top, and is registered in {@link #VERSIONS}; its fixtures are written with
 * {@code -Ddrover.wire.write=<version>} (see {@link WireCompatibilityTest}).
 */
final class WireSamples {

  /** Every version that has fixtures, with its catalog. */
  static final Map<String, Function<ActorRefResolver, Map<String, Object>>> VERSIONS =
      Map.of("v0.1", WireSamples::v0_1, "v0.2", WireSamples::v0_2, "v0.3", WireSamples::v0_3, "v0.4", WireSamples::v0_4);

  private WireSamples() {}

  private static final long AT = 1_767_225_600_000L;
  private static final String JOB_ID = "5f0c3a1e-7b2d-4e8a-9c61-0d2f4b7a9e13";
  private static final String PARENT_ID = "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d";
  private static final String ARRAY_ID = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
  private static final String ACCOUNT = "arn:aws:batch:us-east-1:000000000000:";
  private static final String QUEUE = "nightly";
  private static final String QUEUE_ARN = ACCOUNT + "job-queue/" + QUEUE;
  private static final String COMPUTE_ENVIRONMENT = "on-prem";
  private static final String COMPUTE_ENVIRONMENT_ARN = ACCOUNT + "compute-environment/" + COMPUTE_ENVIRONMENT;
  private static final String DEFINITION_ARN = ACCOUNT + "job-definition/report:2";
  private static final String POLICY_ARN = ACCOUNT + "scheduling-policy/fair";
  private static final String AGENT_REF = "pekko://drover@10.0.0.21:25520/user/agent#-1268574512";
  private static final String REPLY_REF = "pekko://drover@10.0.0.11:25520/temp/api$a#1902847261";

  static Map<String, Object> v0_1(ActorRefResolver refs) {
    ActorRef<Object> agent = refs.resolveActorRef(AGENT_REF);
    ActorRef<Object> replyTo = refs.resolveActorRef(REPLY_REF);
    Resources resources = new Resources(1500, 2048, 1);
    ContainerProperties container = new ContainerProperties("busybox:1.36", null, null,
        List.of("sh", "-c", "echo $GREETING"), "arn:aws:iam::000000000000:role/report", null,
        List.of(new KeyValuePair("GREETING", "hello")), Boolean.TRUE, Boolean.FALSE, "1000",
        List.of(new ResourceRequirement(ResourceRequirement.VCPU, "1.5"),
            new ResourceRequirement(ResourceRequirement.MEMORY, "2048"), new ResourceRequirement(ResourceRequirement.GPU, "1")));
    RetryStrategy retry = new RetryStrategy(3, List.of(
        new EvaluateOnExit("Host EC2*", null, null, "RETRY"), new EvaluateOnExit(null, null, "1", "EXIT")));
    JobTimeout timeout = new JobTimeout(3600);
    JobSpec spec = new JobSpec(JOB_ID, "nightly-report", QUEUE, DEFINITION_ARN, container, resources,
        sorted("day", "2026-01-01"), retry, timeout, sorted("team", "data"), true, 10, "team_a", List.of("EC2"),
        List.of(new JobDependency(PARENT_ID, null), new JobDependency(ARRAY_ID, JobSpec.N_TO_N)), ArraySpec.parent(4, 2));
    Placement placement = new Placement("agent-7", AGENT_REF, "worker-7.internal", "i-0123456789abcdef0",
        COMPUTE_ENVIRONMENT, true, "c5.4xlarge", 0.272, 0.68, Boolean.TRUE, new Resources(16_000, 30_720, 0));
    Attempt ended = new Attempt(1, placement, AT + 1_000, AT + 2_000, AT + 9_000, 137,
        "OutOfMemoryError: Container killed due to memory usage", JobState.CONTAINER_EXITED, "drover/" + JOB_ID + "/1", null);
    Attempt running = new Attempt(2, placement, AT + 10_000, AT + 11_000, null, null, null, null, "drover/" + JOB_ID + "/2",
        null);
    JobState state = new JobState(spec, JobStatus.RUNNING, null, AT, AT + 11_000, null, List.of(ended, running), null,
        false, false, List.of(), List.of("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"), new ArrayProgress(4, true, 1, 1, List.of(3L)),
        AT + 9_000);
    JobTicket ticket = new JobTicket(JOB_ID, QUEUE, resources, AT, 10, "team_a", AT + 9_000, ARRAY_ID, 2);

    ComputeEnvironment computeEnvironment = new ComputeEnvironment(COMPUTE_ENVIRONMENT, COMPUTE_ENVIRONMENT_ARN,
        ComputeEnvironment.Type.UNMANAGED, State.ENABLED, ObjectStatus.VALID, "ComputeEnvironment Healthy", 64, null,
        sorted("team", "data"), "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", null);
    ComputeEnvironmentOrder order = new ComputeEnvironmentOrder(1, COMPUTE_ENVIRONMENT_ARN);
    JobStateTimeLimitAction timeLimit = new JobStateTimeLimitAction(
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", JobStateTimeLimitAction.RUNNABLE, 600, JobStateTimeLimitAction.CANCEL);
    JobQueue queue = new JobQueue(QUEUE, QUEUE_ARN, State.ENABLED, ObjectStatus.VALID, "JobQueue Healthy", 10,
        List.of(order), sorted("team", "data"), POLICY_ARN, List.of(timeLimit));
    JobDefinition definition = new JobDefinition("report", DEFINITION_ARN, 2, JobDefinition.ACTIVE, "container", 10,
        sorted("day", "today"), retry, container, timeout, sorted("team", "data"), true, List.of("EC2"), "ECS");
    FairsharePolicy fairshare = new FairsharePolicy(3600, 10,
        List.of(new ShareAttributes("team_a", 1.0f), new ShareAttributes("team_*", 0.5f)));
    SchedulingPolicy policy = new SchedulingPolicy("fair", POLICY_ARN, fairshare, sorted("team", "data"));
    ControlPlaneState controlPlane = new ControlPlaneState(
        new TreeMap<>(Map.of(COMPUTE_ENVIRONMENT, computeEnvironment)), new TreeMap<>(Map.of(QUEUE, queue)),
        new TreeMap<>(Map.of("report", List.of(definition))), new TreeMap<>(Map.of("fair", policy)), null, null, null);
    ControlPlaneEvent registered = new ControlPlaneEvent.JobDefinitionRegistered(definition);

    JobDetail detail = new JobDetail(ACCOUNT + "job/" + JOB_ID, "nightly-report", JOB_ID, QUEUE_ARN, JobStatus.FAILED,
        "team_a", 10,
        List.of(new JobDetail.AttemptDetail(new JobDetail.AttemptContainerDetail(null, 137, "OutOfMemoryError",
            "drover/" + JOB_ID + "/1"), AT + 2_000, AT + 9_000, JobState.CONTAINER_EXITED)),
        JobState.CONTAINER_EXITED, AT, retry, AT + 2_000, AT + 9_000, List.of(new JobDependency(PARENT_ID, null)),
        DEFINITION_ARN, sorted("day", "2026-01-01"),
        new JobDetail.ContainerDetail("busybox:1.36", List.of("sh", "-c", "echo $GREETING"), null, null,
            List.of(new KeyValuePair("GREETING", "hello")), Boolean.TRUE, Boolean.FALSE, "1000", 137, "OutOfMemoryError",
            null, "drover/" + JOB_ID + "/1", List.of(new ResourceRequirement(ResourceRequirement.VCPU, "1.5"))),
        new JobDetail.ArrayPropertiesDetail(sortedCounts("SUCCEEDED", 1, "FAILED", 1), 4, null), timeout,
        sorted("team", "data"), Boolean.TRUE, List.of("EC2"), Boolean.FALSE, Boolean.FALSE);

    SchedulerProtocol.AgentInfo agentInfo = new SchedulerProtocol.AgentInfo("agent-7", "worker-7.internal",
        "i-0123456789abcdef0", COMPUTE_ENVIRONMENT, new Resources(16_000, 65_536, 2), "docker", true, false, null,
        "g5.4xlarge", 1.624, 1.624);
    SchedulerProtocol.HostedAttempt hosted = new SchedulerProtocol.HostedAttempt(JOB_ID, 2, resources, QUEUE, "team_a");

    Map<String, Object> samples = new LinkedHashMap<>();
    samples.put("JobEvent.Submitted", new JobEvent.Submitted(JOB_ID, spec, AT));
    samples.put("JobEvent.Placed", new JobEvent.Placed(JOB_ID, 2, placement, AT + 10_000));
    samples.put("JobEvent.Started", new JobEvent.Started(JOB_ID, 2, AT + 11_000));
    samples.put("JobEvent.AttemptReattached",
        new JobEvent.AttemptReattached(JOB_ID, 2, "pekko://drover@10.0.0.21:25520/user/agent#77", AT + 12_000));
    samples.put("JobEvent.AttemptEnded", new JobEvent.AttemptEnded(JOB_ID, 1, 137, "OutOfMemoryError",
        JobState.CONTAINER_EXITED, JobStatus.RUNNABLE, "Attempt 1 of 3 failed; retrying.", AT + 9_000));
    samples.put("JobEvent.Cancelled", new JobEvent.Cancelled(JOB_ID, "Cancelled by the nightly cleanup", AT + 1_000));
    samples.put("JobEvent.TerminationRequested",
        new JobEvent.TerminationRequested(JOB_ID, "Job attempt duration exceeded timeout", AT + 3_600_000));
    samples.put("JobEvent.DependentAdded", new JobEvent.DependentAdded(JOB_ID, PARENT_ID, AT + 500));
    samples.put("JobEvent.DependencyResolved",
        new JobEvent.DependencyResolved(JOB_ID, PARENT_ID, false, JobStatus.FAILED, "Dependent Job failed: parent", AT + 700));
    samples.put("JobEvent.ArrayExpanded", new JobEvent.ArrayExpanded(ARRAY_ID, AT + 800));
    samples.put("JobEvent.ChildrenFinished", new JobEvent.ChildrenFinished(ARRAY_ID, new TreeMap<>(Map.of(0, true, 3, false)),
        JobStatus.PENDING, null, AT + 900));
    samples.put("JobState", state);

    samples.put("ControlPlaneEvent.ComputeEnvironmentCreated",
        new ControlPlaneEvent.ComputeEnvironmentCreated(computeEnvironment));
    samples.put("ControlPlaneEvent.ComputeEnvironmentUpdated",
        new ControlPlaneEvent.ComputeEnvironmentUpdated(computeEnvironment.withState(State.DISABLED)));
    samples.put("ControlPlaneEvent.ComputeEnvironmentDeleted",
        new ControlPlaneEvent.ComputeEnvironmentDeleted(COMPUTE_ENVIRONMENT));
    samples.put("ControlPlaneEvent.JobQueueCreated", new ControlPlaneEvent.JobQueueCreated(queue));
    samples.put("ControlPlaneEvent.JobQueueUpdated",
        new ControlPlaneEvent.JobQueueUpdated(queue.withJobStateTimeLimitActions(List.of())));
    samples.put("ControlPlaneEvent.JobQueueDeleted", new ControlPlaneEvent.JobQueueDeleted(QUEUE));
    samples.put("ControlPlaneEvent.JobDefinitionRegistered", registered);
    samples.put("ControlPlaneEvent.JobDefinitionDeregistered", new ControlPlaneEvent.JobDefinitionDeregistered("report", 1));
    samples.put("ControlPlaneEvent.SchedulingPolicyCreated", new ControlPlaneEvent.SchedulingPolicyCreated(policy));
    samples.put("ControlPlaneEvent.SchedulingPolicyUpdated",
        new ControlPlaneEvent.SchedulingPolicyUpdated(policy.withFairsharePolicy(FairsharePolicy.DEFAULT)));
    samples.put("ControlPlaneEvent.SchedulingPolicyDeleted", new ControlPlaneEvent.SchedulingPolicyDeleted("fair"));
    samples.put("ControlPlaneState", controlPlane);

    Map<String, ControlPlaneRequest> requests = new LinkedHashMap<>();
    requests.put("CreateComputeEnvironment", new CreateComputeEnvironmentRequest(COMPUTE_ENVIRONMENT,
        ComputeEnvironment.Type.UNMANAGED, State.ENABLED, 64, null, null, sorted("team", "data")));
    requests.put("UpdateComputeEnvironment", new UpdateComputeEnvironmentRequest(COMPUTE_ENVIRONMENT, State.DISABLED, 32,
        null, "arn:aws:iam::000000000000:role/batch"));
    requests.put("DeleteComputeEnvironment", new DeleteComputeEnvironmentRequest(COMPUTE_ENVIRONMENT_ARN));
    requests.put("CreateJobQueue", new CreateJobQueueRequest(QUEUE, State.ENABLED, POLICY_ARN, 10, List.of(order),
        sorted("team", "data"), List.of(timeLimit)));
    requests.put("UpdateJobQueue", new UpdateJobQueueRequest(QUEUE, State.DISABLED, POLICY_ARN, 5, List.of(order), List.of()));
    requests.put("DeleteJobQueue", new DeleteJobQueueRequest(QUEUE_ARN));
    requests.put("RegisterJobDefinition", new RegisterJobDefinitionRequest("report", "container", sorted("day", "today"), 10,
        container, null, retry, true, timeout, sorted("team", "data"), List.of("EC2")));
    requests.put("DeregisterJobDefinition", new DeregisterJobDefinitionRequest("report:1"));
    requests.put("CreateSchedulingPolicy", new CreateSchedulingPolicyRequest("fair", fairshare, sorted("team", "data")));
    requests.put("UpdateSchedulingPolicy", new UpdateSchedulingPolicyRequest(POLICY_ARN, fairshare));
    requests.put("DeleteSchedulingPolicy", new DeleteSchedulingPolicyRequest(POLICY_ARN));
    requests.forEach((operation, request) ->
        samples.put("ControlPlaneEntity.Execute." + operation, new ControlPlaneEntity.Execute(request, replyTo.narrow())));
    samples.put("ControlPlaneEntity.Applied", new ControlPlaneEntity.Applied(registered, 42));
    samples.put("ControlPlaneEntity.Subscribe", new ControlPlaneEntity.Subscribe(replyTo.narrow()));
    samples.put("ControlPlaneEntity.GetState", new ControlPlaneEntity.GetState(replyTo.narrow()));
    samples.put("ControlPlaneEntity.Snapshot", new ControlPlaneEntity.Snapshot(controlPlane, 42));
    samples.put("ControlPlaneEntity.Changed", new ControlPlaneEntity.Changed(registered, 43));

    samples.put("JobEntity.Submit", new JobEntity.Submit(JOB_ID, spec, AT, replyTo.narrow()));
    samples.put("JobEntity.Get", new JobEntity.Get(JOB_ID, replyTo.narrow()));
    samples.put("JobEntity.JobSnapshot",
        new JobEntity.JobSnapshot(JOB_ID, state, sortedCounts(JobStatus.RUNNING, 2, JobStatus.RUNNABLE, 1)));
    samples.put("JobEntity.Place", new JobEntity.Place(JOB_ID, placement, replyTo.narrow()));
    samples.put("JobEntity.PlaceResult",
        new JobEntity.PlaceResult(JOB_ID, false, 2, "agent-7", "Job " + JOB_ID + " is not RUNNABLE"));
    samples.put("JobEntity.Cancel", new JobEntity.Cancel(JOB_ID, "Cancelled by the nightly cleanup", replyTo.narrow()));
    samples.put("JobEntity.Terminate", new JobEntity.Terminate(JOB_ID, "Terminated by the nightly cleanup", replyTo.narrow()));
    samples.put("JobEntity.AgentLost", new JobEntity.AgentLost(JOB_ID, AGENT_REF));
    samples.put("JobEntity.AttemptUnaccounted", new JobEntity.AttemptUnaccounted(JOB_ID, AT + 60_000));
    samples.put("JobEntity.AddDependent", new JobEntity.AddDependent(PARENT_ID, JOB_ID));
    samples.put("JobEntity.DependentRegistered", new JobEntity.DependentRegistered(JOB_ID, PARENT_ID));
    samples.put("JobEntity.ParentFinished", new JobEntity.ParentFinished(JOB_ID, PARENT_ID, false, "parent failed"));
    samples.put("JobEntity.CheckDependencies", new JobEntity.CheckDependencies(JOB_ID));
    samples.put("JobEntity.ParentFinishedAck", new JobEntity.ParentFinishedAck(PARENT_ID, JOB_ID));
    samples.put("JobEntity.ChildStatus", new JobEntity.ChildStatus(ARRAY_ID, 3, JobStatus.RUNNING));
    samples.put("JobEntity.ChildFinished", new JobEntity.ChildFinished(ARRAY_ID, 3, true));
    samples.put("JobEntity.ChildFinishedAck", new JobEntity.ChildFinishedAck(ARRAY_ID + ":3"));
    samples.put("JobEntity.ChildDependency", new JobEntity.ChildDependency(ARRAY_ID, 3, JOB_ID));

    samples.put("JobQueueActor.Enqueue", new JobQueueActor.Enqueue(ticket));
    samples.put("JobQueueActor.Dequeue", new JobQueueActor.Dequeue(JOB_ID));
    samples.put("JobQueueActor.Wake", new JobQueueActor.Wake());
    samples.put("JobQueueActor.WaitReasons",
        new JobQueueActor.WaitReasons(sorted(JOB_ID, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no host has 1.5 vCPU free")));
    samples.put("JobQueueActor.Explain", new JobQueueActor.Explain(List.of(JOB_ID), replyTo.narrow()));
    samples.put("JobQueueActor.Explanation",
        new JobQueueActor.Explanation(sorted(JOB_ID, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no host has 1.5 vCPU free")));
    samples.put("SchedulerActor.QueueOffer", new SchedulerActor.QueueOffer(QUEUE, List.of(ticket), 12));

    samples.put("AgentProtocol.LaunchAttempt", new AgentProtocol.LaunchAttempt(new AgentProtocol.AttemptLaunch(JOB_ID, 2,
        "nightly-report", QUEUE, "team_a", COMPUTE_ENVIRONMENT, "busybox:1.36", List.of("sh", "-c", "echo $GREETING"),
        sorted("AWS_BATCH_JOB_ID", JOB_ID, "GREETING", "hello"), resources, "1000", true, false), replyTo.narrow()));
    samples.put("AgentProtocol.LaunchAccepted", new AgentProtocol.LaunchAccepted(JOB_ID, 2));
    samples.put("AgentProtocol.StopAttempt", new AgentProtocol.StopAttempt(JOB_ID, 2, "Terminated by the nightly cleanup", 30));
    samples.put("JobProtocol.AttemptStarted",
        new JobProtocol.AttemptStarted(JOB_ID, 2, "agent-7", AT + 11_000, replyTo.narrow()));
    samples.put("JobProtocol.AttemptExited", new JobProtocol.AttemptExited(JOB_ID, 2, "agent-7", 137, "OutOfMemoryError",
        JobState.CONTAINER_EXITED, AT + 19_000, replyTo.narrow()));
    samples.put("JobProtocol.AttemptReportAck", new JobProtocol.AttemptReportAck(JOB_ID, 2));
    samples.put("JobProtocol.ReattachAttempt",
        new JobProtocol.ReattachAttempt(JOB_ID, 2, "agent-7", agent.narrow(), replyTo.narrow()));
    samples.put("JobProtocol.ReattachAnswer", new JobProtocol.ReattachAnswer(JOB_ID, 2, true));
    samples.put("LogProtocol.AppendLog", new LogProtocol.AppendLog(JOB_ID, 2,
        List.of(new LogProtocol.LogChunk(0, "stdout", AT + 12_000, "hello\n"),
            new LogProtocol.LogChunk(1, "stderr", AT + 12_001, "warning: low memory\n")),
        replyTo.narrow()));
    samples.put("LogProtocol.LogAppended", new LogProtocol.LogAppended(JOB_ID, 2, 1));
    samples.put("LogProtocol.GetLogPosition", new LogProtocol.GetLogPosition(JOB_ID, 2, replyTo.narrow()));
    samples.put("LogProtocol.LogPosition", new LogProtocol.LogPosition(JOB_ID, 2, 2, 6, 20));
    samples.put("SchedulerProtocol.AgentStatus",
        new SchedulerProtocol.AgentStatus(agentInfo, agent.narrow(), List.of(hosted), List.of(hosted)));
    samples.put("SchedulerProtocol.SpotNotice", new SchedulerProtocol.SpotNotice(SchedulerProtocol.SpotNotice.INTERRUPTION,
        AT + 20_000, AT + 140_000));

    samples.put("JobStateChange", new JobStateChange("0", "8c1f0e2d-3b4a-3c5d-8e6f-7a8b9c0d1e2f", JobStateChange.DETAIL_TYPE,
        "aws.batch", "000000000000", "2026-01-01T00:00:09Z", "us-east-1", List.of(ACCOUNT + "job/" + JOB_ID), detail));
    samples.put("JobSummary", new JobSummary(ACCOUNT + "job/" + JOB_ID, JOB_ID, "nightly-report", AT, JobStatus.FAILED,
        JobState.CONTAINER_EXITED, AT + 2_000, AT + 9_000, new JobSummary.ContainerSummary(137, "OutOfMemoryError"),
        new JobSummary.ArrayPropertiesSummary(4, null), DEFINITION_ARN));
    return samples;
  }

  /**
   * v0.2: users, access keys and their policies in the control plane (events, requests, the state
   * with them); containers with volumes and mount points, and launches that carry the mounts.
   */
  static Map<String, Object> v0_2(ActorRefResolver refs) {
    Map<String, Object> samples = new LinkedHashMap<>(v0_1(refs));
    ActorRef<Object> replyTo = refs.resolveActorRef(REPLY_REF);
    String document = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"batch:SubmitJob\","
        + "\"Resource\":\"" + QUEUE_ARN + "\"}]}";
    User user = new User("alice", "arn:aws:iam::000000000000:user/alice", AT, new TreeMap<>(Map.of("nightly", document)));
    AccessKey key = new AccessKey("AKIAIOSFODNN7EXAMPLE", "alice", "v1:c2VhbGVkLXNlY3JldC1vZi10aGUtc2FtcGxl",
        AccessKey.Status.Active, AT + 1_000);
    samples.put("ControlPlaneEvent.UserCreated", new ControlPlaneEvent.UserCreated(user.withoutPolicy("nightly")));
    samples.put("ControlPlaneEvent.UserUpdated", new ControlPlaneEvent.UserUpdated(user));
    samples.put("ControlPlaneEvent.UserDeleted", new ControlPlaneEvent.UserDeleted("alice"));
    samples.put("ControlPlaneEvent.AccessKeyCreated", new ControlPlaneEvent.AccessKeyCreated(key));
    samples.put("ControlPlaneEvent.AccessKeyUpdated",
        new ControlPlaneEvent.AccessKeyUpdated(key.withStatus(AccessKey.Status.Inactive)));
    samples.put("ControlPlaneEvent.AccessKeyDeleted", new ControlPlaneEvent.AccessKeyDeleted(key.accessKeyId()));

    ControlPlaneState old = (ControlPlaneState) samples.get("ControlPlaneState");
    ControlPlaneState controlPlane = new ControlPlaneState(old.computeEnvironments(), old.jobQueues(),
        old.jobDefinitions(), old.schedulingPolicies(), new TreeMap<>(Map.of("alice", user)),
        new TreeMap<>(Map.of(key.accessKeyId(), key)), null);
    samples.put("ControlPlaneState", controlPlane);
    samples.put("ControlPlaneEntity.Snapshot", new ControlPlaneEntity.Snapshot(controlPlane, 42));

    Map<String, UserRequest> requests = new LinkedHashMap<>();
    requests.put("CreateUser", new UserRequest.CreateUser("alice", AT));
    requests.put("DeleteUser", new UserRequest.DeleteUser("alice"));
    requests.put("AddAccessKey", new UserRequest.AddAccessKey("alice", key.accessKeyId(), key.sealedSecret(), AT + 1_000));
    requests.put("UpdateAccessKey", new UserRequest.UpdateAccessKey("alice", key.accessKeyId(), AccessKey.Status.Inactive));
    requests.put("DeleteAccessKey", new UserRequest.DeleteAccessKey("alice", key.accessKeyId()));
    requests.put("PutUserPolicy", new UserRequest.PutUserPolicy("alice", "nightly", document));
    requests.put("DeleteUserPolicy", new UserRequest.DeleteUserPolicy("alice", "nightly"));
    requests.forEach((operation, request) ->
        samples.put("ControlPlaneEntity.Execute." + operation, new ControlPlaneEntity.Execute(request, replyTo.narrow())));

    JobDefinition definition = ((ControlPlaneEvent.JobDefinitionRegistered) samples.get("ControlPlaneEvent.JobDefinitionRegistered"))
        .jobDefinition();
    ContainerProperties c = definition.containerProperties();
    ContainerProperties mounted = new ContainerProperties(c.image(), c.vcpus(), c.memory(), c.command(), c.jobRoleArn(),
        c.executionRoleArn(), c.environment(), c.readonlyRootFilesystem(), c.privileged(), c.user(),
        c.resourceRequirements(), List.of(new Volume("data", new Volume.Host("/data/reports")), new Volume("scratch", null)),
        List.of(new MountPoint("data", "/reports", true), new MountPoint("scratch", "/scratch", null)));
    samples.put("ControlPlaneEvent.JobDefinitionRegistered", new ControlPlaneEvent.JobDefinitionRegistered(
        new JobDefinition(definition.jobDefinitionName(), definition.jobDefinitionArn(), definition.revision(),
            definition.status(), definition.type(), definition.schedulingPriority(), definition.parameters(),
            definition.retryStrategy(), mounted, definition.timeout(), definition.tags(), definition.propagateTags(),
            definition.platformCapabilities(), definition.containerOrchestrationType())));

    AgentProtocol.LaunchAttempt launch = (AgentProtocol.LaunchAttempt) samples.get("AgentProtocol.LaunchAttempt");
    AgentProtocol.AttemptLaunch l = launch.launch();
    samples.put("AgentProtocol.LaunchAttempt", new AgentProtocol.LaunchAttempt(new AgentProtocol.AttemptLaunch(l.jobId(),
        l.attempt(), l.jobName(), l.jobQueue(), l.shareIdentifier(), l.computeEnvironment(), l.image(), l.command(),
        l.environment(), l.resources(), l.user(), l.readonlyRootFilesystem(), l.privileged(),
        List.of(new ContainerMount("data", "/data/reports", "/reports", true),
            new ContainerMount("scratch", null, "/scratch", false))), launch.replyTo()));
    return samples;
  }

  /**
   * v0.3: hosts drained by an operator in the control plane (events, requests, the state with them),
   * and the scheduler's answer to which hosts it has.
   */
  static Map<String, Object> v0_3(ActorRefResolver refs) {
    Map<String, Object> samples = new LinkedHashMap<>(v0_2(refs));
    ActorRef<Object> replyTo = refs.resolveActorRef(REPLY_REF);
    DrainedHost drained = new DrainedHost("kernel upgrade", AT + 5_000, "arn:aws:iam::000000000000:user/alice");
    samples.put("ControlPlaneEvent.HostDrained", new ControlPlaneEvent.HostDrained("agent-7", drained));
    samples.put("ControlPlaneEvent.HostUndrained", new ControlPlaneEvent.HostUndrained("agent-7"));

    ControlPlaneState old = (ControlPlaneState) samples.get("ControlPlaneState");
    ControlPlaneState controlPlane = new ControlPlaneState(old.computeEnvironments(), old.jobQueues(),
        old.jobDefinitions(), old.schedulingPolicies(), old.users(), old.accessKeys(),
        new TreeMap<>(Map.of("agent-7", drained)));
    samples.put("ControlPlaneState", controlPlane);
    samples.put("ControlPlaneEntity.Snapshot", new ControlPlaneEntity.Snapshot(controlPlane, 43));
    samples.put("ControlPlaneEntity.Execute.DrainHost", new ControlPlaneEntity.Execute(
        new HostRequest.DrainHost("agent-7", "kernel upgrade", drained.drainedBy(), AT + 5_000), replyTo.narrow()));
    samples.put("ControlPlaneEntity.Execute.UndrainHost",
        new ControlPlaneEntity.Execute(new HostRequest.UndrainHost("agent-7"), replyTo.narrow()));

    SchedulerProtocol.AgentStatus status = (SchedulerProtocol.AgentStatus) samples.get("SchedulerProtocol.AgentStatus");
    samples.put("SchedulerActor.DescribeHosts", new SchedulerActor.DescribeHosts(replyTo.narrow()));
    samples.put("SchedulerActor.Hosts", new SchedulerActor.Hosts(List.of(new SchedulerActor.HostState(
        status.info(), new Resources(2_000, 4_096, 0), List.of(JOB_ID), false))));
    samples.put("SchedulerActor.DescribeFairShare", new SchedulerActor.DescribeFairShare(replyTo.narrow()));
    samples.put("SchedulerActor.FairShares", new SchedulerActor.FairShares(Map.of(QUEUE, List.of(
        new SchedulerActor.ShareState("analytics", 0.5, 3.0, 2.25), new SchedulerActor.ShareState("etl", 1.0, 0.0, 0.75)))));
    return samples;
  }

  /** v0.4: an attempt's exit carries when it started. */
  static Map<String, Object> v0_4(ActorRefResolver refs) {
    Map<String, Object> samples = new LinkedHashMap<>(v0_3(refs));
    ActorRef<Object> replyTo = refs.resolveActorRef(REPLY_REF);
    samples.put("JobProtocol.AttemptExited", new JobProtocol.AttemptExited(JOB_ID, 2, "agent-7", 137, "OutOfMemoryError",
        JobState.CONTAINER_EXITED, AT + 19_000, replyTo.narrow(), false, AT + 11_000));
    return samples;
  }

  /** A map in key order, so that regenerated fixtures come out byte for byte the same. */
  private static Map<String, String> sorted(String... keysAndValues) {
    Map<String, String> map = new TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static <K extends Comparable<K>> Map<K, Integer> sortedCounts(K first, int firstCount, K second, int secondCount) {
    return new TreeMap<>(Map.of(first, firstCount, second, secondCount));
  }
}
