package io.drover.core.controlplane;

import io.drover.core.CborSerializable;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentCreated;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionDeregistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionRegistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueCreated;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyCreated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.UserCreated;
import io.drover.core.controlplane.ControlPlaneEvent.UserDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.UserUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.AccessKeyCreated;
import io.drover.core.controlplane.ControlPlaneEvent.AccessKeyDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.AccessKeyUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.HostDrained;
import io.drover.core.controlplane.ControlPlaneEvent.HostUndrained;
import io.drover.core.definition.JobDefinition;
import io.drover.core.model.AwsIdentity;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.queue.JobQueue;
import io.drover.core.users.AccessKey;
import io.drover.core.users.User;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every compute environment, job queue, job definition revision, scheduling policy, user, access
 * key (its secret sealed) and drained host, keyed by name (a host by its agent id) and sorted. Immutable: {@link #apply} returns a new state. Sizes are control-plane sizes
 * (thousands at most), so copying a map per change is cheaper than anything cleverer.
 */
public record ControlPlaneState(
    SortedMap<String, ComputeEnvironment> computeEnvironments,
    SortedMap<String, JobQueue> jobQueues,
    SortedMap<String, List<JobDefinition>> jobDefinitions,
    SortedMap<String, SchedulingPolicy> schedulingPolicies,
    SortedMap<String, User> users,
    SortedMap<String, AccessKey> accessKeys,
    SortedMap<String, DrainedHost> drainedHosts)
    implements CborSerializable {

  public static final ControlPlaneState EMPTY = new ControlPlaneState(
      new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
      new TreeMap<>());

  /**
   * Snapshots written before scheduling policies existed have no {@code schedulingPolicies}, and
   * those written before users existed have no {@code users} or {@code accessKeys}, and those
   * written before operators could drain hosts have no {@code drainedHosts}: none.
   */
  public ControlPlaneState {
    computeEnvironments = Collections.unmodifiableSortedMap(new TreeMap<>(computeEnvironments));
    jobQueues = Collections.unmodifiableSortedMap(new TreeMap<>(jobQueues));
    jobDefinitions = Collections.unmodifiableSortedMap(new TreeMap<>(jobDefinitions));
    schedulingPolicies = Collections.unmodifiableSortedMap(
        schedulingPolicies == null ? new TreeMap<>() : new TreeMap<>(schedulingPolicies));
    users = Collections.unmodifiableSortedMap(users == null ? new TreeMap<>() : new TreeMap<>(users));
    accessKeys = Collections.unmodifiableSortedMap(accessKeys == null ? new TreeMap<>() : new TreeMap<>(accessKeys));
    drainedHosts = Collections.unmodifiableSortedMap(
        drainedHosts == null ? new TreeMap<>() : new TreeMap<>(drainedHosts));
  }

  /** Why the host with agent id {@code hostId} is drained; empty when it is not. */
  public Optional<DrainedHost> drained(String hostId) {
    return Optional.ofNullable(drainedHosts.get(hostId));
  }

  /** The access keys of {@code userName}, oldest first. */
  public List<AccessKey> accessKeysOf(String userName) {
    return accessKeys.values().stream()
        .filter(k -> k.userName().equals(userName))
        .sorted(Comparator.comparingLong(AccessKey::createdAt))
        .toList();
  }

  public Optional<ComputeEnvironment> computeEnvironment(String name) {
    return Optional.ofNullable(computeEnvironments.get(name));
  }

  public Optional<JobQueue> jobQueue(String name) {
    return Optional.ofNullable(jobQueues.get(name));
  }

  public Optional<SchedulingPolicy> schedulingPolicy(String name) {
    return Optional.ofNullable(schedulingPolicies.get(name));
  }

  /**
   * The fair-share policy {@code queue} is scheduled by; empty for a first-in, first-out queue (one
   * without a scheduling policy).
   */
  public Optional<FairsharePolicy> fairsharePolicyOf(JobQueue queue) {
    if (queue.schedulingPolicyArn() == null) {
      return Optional.empty();
    }
    String name = AwsIdentity.nameFrom(queue.schedulingPolicyArn(), "scheduling-policy", "schedulingPolicyArn");
    return Optional.of(schedulingPolicy(name).map(SchedulingPolicy::fairsharePolicy).orElse(FairsharePolicy.DEFAULT));
  }

  /** All revisions of a definition, oldest first; empty when the name was never registered. */
  public List<JobDefinition> revisions(String name) {
    return jobDefinitions.getOrDefault(name, List.of());
  }

  public Optional<JobDefinition> jobDefinition(String name, int revision) {
    List<JobDefinition> revisions = revisions(name);
    return revision >= 1 && revision <= revisions.size() ? Optional.of(revisions.get(revision - 1)) : Optional.empty();
  }

  /** The newest ACTIVE revision, which a bare name refers to. */
  public Optional<JobDefinition> latestActive(String name) {
    List<JobDefinition> revisions = revisions(name);
    for (int i = revisions.size() - 1; i >= 0; i--) {
      if (revisions.get(i).active()) {
        return Optional.of(revisions.get(i));
      }
    }
    return Optional.empty();
  }

  /** Queues whose compute environment order names {@code computeEnvironmentArn}. */
  public List<JobQueue> queuesUsing(String computeEnvironmentArn) {
    return jobQueues.values().stream()
        .filter(q -> q.computeEnvironmentOrder().stream()
            .anyMatch(o -> o.computeEnvironment().equals(computeEnvironmentArn)))
        .toList();
  }

  /** Queues scheduled by the policy {@code schedulingPolicyArn}. */
  public List<JobQueue> queuesWithPolicy(String schedulingPolicyArn) {
    return jobQueues.values().stream().filter(q -> schedulingPolicyArn.equals(q.schedulingPolicyArn())).toList();
  }

  public ControlPlaneState apply(ControlPlaneEvent event) {
    if (event instanceof ComputeEnvironmentCreated e) {
      return withComputeEnvironment(e.computeEnvironment());
    } else if (event instanceof ComputeEnvironmentUpdated e) {
      return withComputeEnvironment(e.computeEnvironment());
    } else if (event instanceof ComputeEnvironmentDeleted e) {
      TreeMap<String, ComputeEnvironment> next = new TreeMap<>(computeEnvironments);
      next.remove(e.computeEnvironmentName());
      return new ControlPlaneState(next, jobQueues, jobDefinitions, schedulingPolicies, users, accessKeys, drainedHosts);
    } else if (event instanceof JobQueueCreated e) {
      return withJobQueue(e.jobQueue());
    } else if (event instanceof JobQueueUpdated e) {
      return withJobQueue(e.jobQueue());
    } else if (event instanceof JobQueueDeleted e) {
      TreeMap<String, JobQueue> next = new TreeMap<>(jobQueues);
      next.remove(e.jobQueueName());
      return new ControlPlaneState(computeEnvironments, next, jobDefinitions, schedulingPolicies, users, accessKeys, drainedHosts);
    } else if (event instanceof JobDefinitionRegistered e) {
      List<JobDefinition> revisions = new ArrayList<>(revisions(e.jobDefinition().jobDefinitionName()));
      revisions.add(e.jobDefinition());
      return withRevisions(e.jobDefinition().jobDefinitionName(), revisions);
    } else if (event instanceof JobDefinitionDeregistered e) {
      List<JobDefinition> revisions = new ArrayList<>(revisions(e.jobDefinitionName()));
      revisions.set(e.revision() - 1, revisions.get(e.revision() - 1).deregistered());
      return withRevisions(e.jobDefinitionName(), revisions);
    } else if (event instanceof SchedulingPolicyCreated e) {
      return withSchedulingPolicy(e.schedulingPolicy());
    } else if (event instanceof SchedulingPolicyUpdated e) {
      return withSchedulingPolicy(e.schedulingPolicy());
    } else if (event instanceof SchedulingPolicyDeleted e) {
      TreeMap<String, SchedulingPolicy> next = new TreeMap<>(schedulingPolicies);
      next.remove(e.name());
      return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, next, users, accessKeys, drainedHosts);
    } else if (event instanceof UserCreated e) {
      return withUser(e.user());
    } else if (event instanceof UserUpdated e) {
      return withUser(e.user());
    } else if (event instanceof UserDeleted e) {
      TreeMap<String, User> next = new TreeMap<>(users);
      next.remove(e.userName());
      return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, schedulingPolicies, next, accessKeys, drainedHosts);
    } else if (event instanceof AccessKeyCreated e) {
      return withAccessKey(e.accessKey());
    } else if (event instanceof AccessKeyUpdated e) {
      return withAccessKey(e.accessKey());
    } else if (event instanceof AccessKeyDeleted e) {
      TreeMap<String, AccessKey> next = new TreeMap<>(accessKeys);
      next.remove(e.accessKeyId());
      return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, schedulingPolicies, users, next, drainedHosts);
    } else if (event instanceof HostDrained e) {
      TreeMap<String, DrainedHost> next = new TreeMap<>(drainedHosts);
      next.put(e.hostId(), e.drained());
      return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, schedulingPolicies, users, accessKeys, next);
    } else if (event instanceof HostUndrained e) {
      TreeMap<String, DrainedHost> next = new TreeMap<>(drainedHosts);
      next.remove(e.hostId());
      return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, schedulingPolicies, users, accessKeys, next);
    }
    throw new IllegalArgumentException("Unknown control-plane event " + event);
  }

  private ControlPlaneState withComputeEnvironment(ComputeEnvironment ce) {
    TreeMap<String, ComputeEnvironment> next = new TreeMap<>(computeEnvironments);
    next.put(ce.computeEnvironmentName(), ce);
    return new ControlPlaneState(next, jobQueues, jobDefinitions, schedulingPolicies, users, accessKeys, drainedHosts);
  }

  private ControlPlaneState withJobQueue(JobQueue queue) {
    TreeMap<String, JobQueue> next = new TreeMap<>(jobQueues);
    next.put(queue.jobQueueName(), queue);
    return new ControlPlaneState(computeEnvironments, next, jobDefinitions, schedulingPolicies, users, accessKeys, drainedHosts);
  }

  private ControlPlaneState withRevisions(String name, List<JobDefinition> revisions) {
    TreeMap<String, List<JobDefinition>> next = new TreeMap<>(jobDefinitions);
    next.put(name, List.copyOf(revisions));
    return new ControlPlaneState(computeEnvironments, jobQueues, next, schedulingPolicies, users, accessKeys, drainedHosts);
  }

  private ControlPlaneState withSchedulingPolicy(SchedulingPolicy policy) {
    TreeMap<String, SchedulingPolicy> next = new TreeMap<>(schedulingPolicies);
    next.put(policy.name(), policy);
    return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, next, users, accessKeys, drainedHosts);
  }

  private ControlPlaneState withUser(User user) {
    TreeMap<String, User> next = new TreeMap<>(users);
    next.put(user.userName(), user);
    return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, schedulingPolicies, next, accessKeys, drainedHosts);
  }

  private ControlPlaneState withAccessKey(AccessKey key) {
    TreeMap<String, AccessKey> next = new TreeMap<>(accessKeys);
    next.put(key.accessKeyId(), key);
    return new ControlPlaneState(computeEnvironments, jobQueues, jobDefinitions, schedulingPolicies, users, next, drainedHosts);
  }
}
