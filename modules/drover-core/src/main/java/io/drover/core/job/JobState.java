package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.job.JobEvent.ArrayExpanded;
import io.drover.core.job.JobEvent.AttemptEnded;
import io.drover.core.job.JobEvent.AttemptReattached;
import io.drover.core.job.JobEvent.Cancelled;
import io.drover.core.job.JobEvent.ChildrenFinished;
import io.drover.core.job.JobEvent.DependencyResolved;
import io.drover.core.job.JobEvent.DependentAdded;
import io.drover.core.job.JobEvent.Placed;
import io.drover.core.job.JobEvent.Started;
import io.drover.core.job.JobEvent.Submitted;
import io.drover.core.job.JobEvent.TerminationRequested;
import io.drover.core.model.JobStatus;
import io.drover.core.scheduling.JobTicket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's state, rebuilt from its events by {@link #apply}. The decisions that produce those
 * events ({@link #attemptEnded}, {@link #cancel}, ...) are here too, free of actors and I/O.
 *
 * @param terminationReason set once TerminateJob reached a STARTING or RUNNING job
 * @param waitingOn the jobs this PENDING job still waits for
 * @param dependents the jobs that wait for this one, to be told when it finishes
 * @param array for an array job: what it knows of its children; null otherwise
 * @param runnableSince when the job last became RUNNABLE; null if it never was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobState(
    JobSpec spec,
    JobStatus status,
    String statusReason,
    long createdAt,
    Long startedAt,
    Long stoppedAt,
    List<Attempt> attempts,
    String terminationReason,
    boolean cancelled,
    boolean terminated,
    List<String> waitingOn,
    List<String> dependents,
    ArrayProgress array,
    Long runnableSince)
    implements CborSerializable {

  public static final String CONTAINER_EXITED = "Essential container in task exited";
  public static final String TASK_FAILED_TO_START = "Task failed to start";

  public JobState {
    attempts = List.copyOf(attempts);
    waitingOn = waitingOn == null ? List.of() : List.copyOf(waitingOn);
    dependents = dependents == null ? List.of() : List.copyOf(dependents);
  }

  /**
   * The state a {@link Submitted} event creates: PENDING while it has dependencies, else RUNNABLE.
   * An array job is PENDING until its children have finished; it never runs itself.
   */
  public static JobState submitted(Submitted event) {
    JobSpec spec = event.spec();
    List<String> parents = spec.parents();
    JobStatus status = parents.isEmpty() && !spec.isArrayParent() ? JobStatus.RUNNABLE : JobStatus.PENDING;
    return new JobState(spec, status, null, event.at(), null, null, List.of(), null, false, false, parents, List.of(),
        spec.isArrayParent() ? ArrayProgress.of(spec.array().size()) : null,
        status == JobStatus.RUNNABLE ? event.at() : null);
  }

  /** An array job that waits for nothing more and has not created its children yet. */
  public boolean readyToExpand() {
    return array != null && status == JobStatus.PENDING && waitingOn.isEmpty() && !array.expanded();
  }

  /**
   * Records children that finished (true: SUCCEEDED). When the last one is in, the array job
   * finishes: SUCCEEDED if every child did, else FAILED. Null when nothing is new.
   */
  public ChildrenFinished childrenFinished(Map<Integer, Boolean> outcomes, long at) {
    Map<Integer, Boolean> fresh = new TreeMap<>();
    outcomes.forEach((index, ok) -> {
      if (index >= 0 && index < array.size() && !array.finished(index)) {
        fresh.put(index, ok);
      }
    });
    if (fresh.isEmpty()) {
      return null;
    }
    ArrayProgress after = array.withFinished(fresh);
    JobStatus next = status;
    String reason = statusReason;
    if (after.allFinished() && !status.isTerminal()) {
      next = after.failed() == 0 ? JobStatus.SUCCEEDED : JobStatus.FAILED;
      reason = after.failed() == 0 ? null : "Array Child Job failed: " + after.failed() + " of " + after.size() + " child jobs failed.";
    }
    return new ChildrenFinished(spec.jobId(), fresh, next, reason, at);
  }

  /** The attempt currently holding a host, or null. */
  public Attempt currentAttempt() {
    return status.isActiveOnHost() ? attempts.get(attempts.size() - 1) : null;
  }

  public Attempt lastAttempt() {
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }

  /** What the scheduler needs to know about this job while it is RUNNABLE. */
  public JobTicket ticket() {
    ArraySpec arraySpec = spec.array();
    boolean child = arraySpec != null && !arraySpec.isParent();
    Integer cap = child ? arraySpec.maxConcurrentChildren() : null;
    return new JobTicket(spec.jobId(), spec.jobQueue(), spec.resources(), createdAt, spec.schedulingPriority(),
        spec.shareIdentifier(), runnableSince == null ? createdAt : runnableSince, child ? arraySpec.parentJobId() : null,
        cap == null ? 0 : cap);
  }

  /** The number the next attempt will get. */
  public int nextAttemptNumber() {
    return attempts.size() + 1;
  }

  /** How many attempts count against the retry strategy: every one except those whose Spot host was reclaimed. */
  public int spentAttempts() {
    int spent = 0;
    for (Attempt attempt : attempts) {
      if (attempt.spent()) {
        spent++;
      }
    }
    return spent;
  }

  /**
   * Decides how attempt {@code number} ended; null when that attempt is not the current one. A
   * job being terminated (TerminateJob, timeout) fails whatever the exit code, without retrying,
   * and its attempt carries the termination reason.
   */
  public AttemptEnded attemptEnded(int number, Integer exitCode, String reason, String attemptStatusReason, long at) {
    return attemptEnded(number, exitCode, reason, attemptStatusReason, at, false);
  }

  /**
   * As {@link #attemptEnded(int, Integer, String, String, long)}; {@code reclaimed} says the
   * attempt was stopped because its Spot host is being reclaimed: unless it succeeded or the job is
   * being terminated, the job goes back to RUNNABLE and the attempt does not count against the
   * retry strategy.
   */
  public AttemptEnded attemptEnded(
      int number, Integer exitCode, String reason, String attemptStatusReason, long at, boolean reclaimed) {
    Attempt current = currentAttempt();
    if (current == null || current.number() != number) {
      return null;
    }
    JobStatus next;
    String jobReason;
    String attemptReason = attemptStatusReason;
    Boolean notSpent = null;
    int spent = spentAttempts();
    if (terminationReason != null) {
      next = JobStatus.FAILED;
      jobReason = terminationReason;
      attemptReason = terminationReason;
    } else if (exitCode != null && exitCode == 0) {
      next = JobStatus.SUCCEEDED;
      jobReason = attemptStatusReason;
    } else if (reclaimed) {
      next = JobStatus.RUNNABLE;
      notSpent = Boolean.TRUE;
      jobReason = attemptStatusReason + " The job runs again elsewhere; this attempt does not count against its "
          + spec.maxAttempts() + ".";
    } else if (RetryPolicy.shouldRetry(spec.retryStrategy(), spent, exitCode, reason, attemptStatusReason)) {
      next = JobStatus.RUNNABLE;
      jobReason = "Attempt " + spent + " of " + spec.maxAttempts() + " failed (" + describe(exitCode, reason, attemptStatusReason)
          + "); retrying.";
    } else {
      next = JobStatus.FAILED;
      jobReason = attemptStatusReason;
    }
    return new AttemptEnded(spec.jobId(), number, exitCode, reason, attemptReason, next, jobReason, at, notSpent);
  }

  private static String describe(Integer exitCode, String reason, String statusReason) {
    StringBuilder text = new StringBuilder(statusReason == null ? "failed" : statusReason);
    if (exitCode != null) {
      text.append(", exit code ").append(exitCode);
    }
    if (reason != null) {
      text.append(", ").append(reason);
    }
    return text.toString();
  }

  /** Records a job that waits for this one; null when it is already recorded. */
  public DependentAdded addDependent(String dependentId, long at) {
    return dependents.contains(dependentId) ? null : new DependentAdded(spec.jobId(), dependentId, at);
  }

  /**
   * A job this one waits for has finished: SUCCEEDED brings this job one step nearer to RUNNABLE,
   * anything else fails it, with {@code failure} (naming the parent) in its status reason. Null
   * when this job no longer waits for that one.
   */
  public DependencyResolved dependencyResolved(String parentId, boolean succeeded, String failure, long at) {
    if (status != JobStatus.PENDING || !waitingOn.contains(parentId)) {
      return null;
    }
    if (!succeeded) {
      return new DependencyResolved(spec.jobId(), parentId, false, JobStatus.FAILED, "Dependent Job failed: " + failure, at);
    }
    boolean last = waitingOn.size() == 1;
    return new DependencyResolved(spec.jobId(), parentId, true,
        last && !spec.isArrayParent() ? JobStatus.RUNNABLE : JobStatus.PENDING, null, at);
  }

  /**
   * CancelJob: a job that has not started is cancelled; a STARTING, RUNNING or finished job is
   * left alone (AWS answers success either way). Null when nothing changes.
   */
  public Cancelled cancel(String reason, long at) {
    return status.isTerminal() || status.isActiveOnHost() ? null : new Cancelled(spec.jobId(), reason, at);
  }

  /**
   * TerminateJob: a job that has not started is cancelled; a STARTING or RUNNING one is stopped
   * and fails without retrying. Null when nothing changes (finished, or already terminating).
   */
  public JobEvent terminate(String reason, long at) {
    if (status.isTerminal() || terminationReason != null) {
      return null;
    }
    return status.isActiveOnHost()
        ? new TerminationRequested(spec.jobId(), reason, at)
        : new Cancelled(spec.jobId(), reason, at);
  }

  /**
   * A restarted agent on the current attempt's host ({@code agentId}) found the attempt still
   * there. Null unless that attempt is current and placed on that host.
   */
  public AttemptReattached reattached(int number, String agentId, String agentRef, long at) {
    Attempt current = currentAttempt();
    if (current == null || current.number() != number || !current.placement().agentId().equals(agentId)) {
      return null;
    }
    return new AttemptReattached(spec.jobId(), number, agentRef, at);
  }

  public JobState apply(JobEvent event) {
    JobState next = applied(event);
    if (next.status == JobStatus.RUNNABLE && status != JobStatus.RUNNABLE) {
      return new JobState(next.spec, next.status, next.statusReason, next.createdAt, next.startedAt, next.stoppedAt,
          next.attempts, next.terminationReason, next.cancelled, next.terminated, next.waitingOn, next.dependents,
          next.array, event.at());
    }
    return next;
  }

  private JobState applied(JobEvent event) {
    if (event instanceof Placed e) {
      List<Attempt> next = new ArrayList<>(attempts);
      next.add(new Attempt(e.attempt(), e.placement(), e.at(), null, null, null, null, null,
          Attempt.logStreamName(spec.jobId(), e.attempt()), null));
      return lifecycle(JobStatus.STARTING, null, null, null, next, terminationReason, cancelled, terminated);
    } else if (event instanceof Started e) {
      return lifecycle(JobStatus.RUNNING, null, e.at(), null, replaceLast(lastAttempt().started(e.at())),
          terminationReason, cancelled, terminated);
    } else if (event instanceof AttemptReattached e) {
      Attempt last = lastAttempt();
      return lifecycle(status, statusReason, startedAt, stoppedAt,
          replaceLast(last.movedTo(last.placement().withAgentRef(e.agentRef()))), terminationReason, cancelled, terminated);
    } else if (event instanceof AttemptEnded e) {
      List<Attempt> next = replaceLast(lastAttempt().ended(e.exitCode(), e.reason(), e.statusReason(), e.at(), e.reclaimed()));
      Long stopped = e.next().isTerminal() ? e.at() : null;
      return lifecycle(e.next(), e.jobStatusReason(), startedAt, stopped, next, terminationReason, cancelled,
          terminated || terminationReason != null);
    } else if (event instanceof Cancelled e) {
      return lifecycle(JobStatus.FAILED, e.reason(), startedAt, e.at(), attempts, terminationReason, true, false);
    } else if (event instanceof TerminationRequested e) {
      return lifecycle(status, statusReason, startedAt, stoppedAt, attempts, e.reason(), cancelled, terminated);
    } else if (event instanceof DependentAdded e) {
      List<String> next = new ArrayList<>(dependents);
      next.add(e.dependentId());
      return new JobState(spec, status, statusReason, createdAt, startedAt, stoppedAt, attempts, terminationReason,
          cancelled, terminated, waitingOn, next, array, runnableSince);
    } else if (event instanceof DependencyResolved e) {
      List<String> next = new ArrayList<>(waitingOn);
      next.remove(e.parentId());
      return new JobState(spec, e.next(), e.jobStatusReason(), createdAt, startedAt,
          e.next().isTerminal() ? e.at() : null, attempts, terminationReason, cancelled, terminated, next, dependents,
          array, runnableSince);
    } else if (event instanceof ArrayExpanded e) {
      return new JobState(spec, status, statusReason, createdAt, startedAt, stoppedAt, attempts, terminationReason,
          cancelled, terminated, waitingOn, dependents, array.withExpanded(), runnableSince);
    } else if (event instanceof ChildrenFinished e) {
      Long stopped = e.next().isTerminal() && !status.isTerminal() ? Long.valueOf(e.at()) : stoppedAt;
      return new JobState(spec, e.next(), e.jobStatusReason(), createdAt, startedAt, stopped, attempts,
          terminationReason, cancelled, terminated, waitingOn, dependents, array.withFinished(e.outcomes()), runnableSince);
    }
    throw new IllegalStateException("Event " + event + " cannot apply to a job that already exists");
  }

  private JobState lifecycle(JobStatus newStatus, String reason, Long started, Long stopped, List<Attempt> newAttempts,
      String termination, boolean isCancelled, boolean isTerminated) {
    return new JobState(spec, newStatus, reason, createdAt, started, stopped, newAttempts, termination, isCancelled,
        isTerminated, waitingOn, dependents, array, runnableSince);
  }

  private List<Attempt> replaceLast(Attempt attempt) {
    List<Attempt> next = new ArrayList<>(attempts);
    next.set(next.size() - 1, attempt);
    return next;
  }
}
