package io.drover.core.scheduling;

import io.drover.core.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduling pass, as a pure function of queues, compute environments and hosts.
 *
 * <p>Queues are served in descending {@code priority}; each queue's jobs in its own order. A job
 * goes to the first compute environment in its queue's order with a host that has room, spilling
 * to the next when one is full. Among hosts with room, the tightest fit wins (bin packing), which
 * keeps busy hosts busy and lets idle ones be released. A job that does not fit never blocks the
 * jobs behind it. Nothing is ever placed beyond a host's free capacity.
 */
public final class Scheduler {

  /** AWS Batch's reason code for a job that waits for capacity to free up or to join. */
  public static final String INSUFFICIENT_CAPACITY = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY";

  /** AWS Batch's reason code for a job that no compute environment of its queue can ever fit. */
  public static final String JOB_RESOURCE_REQUIREMENT = "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT";

  private Scheduler() {}

  public static SchedulingDecision schedule(
      List<QueueView> queues, Map<String, ComputeEnvironmentView> computeEnvironments, List<HostView> hosts) {
    Map<String, Pool> pools = new HashMap<>();
    for (HostView host : hosts) {
      pools.computeIfAbsent(host.computeEnvironment(), name -> new Pool()).add(host);
    }
    List<QueueView> ordered = new ArrayList<>(queues);
    ordered.sort(Comparator.comparingInt(QueueView::priority).reversed().thenComparing(QueueView::name));

    List<Assignment> assignments = new ArrayList<>();
    Map<String, String> waiting = new HashMap<>();
    for (QueueView queue : ordered) {
      if (!queue.enabled()) {
        for (JobTicket job : queue.jobs()) {
          waiting.put(job.jobId(), "Job queue " + queue.name() + " is DISABLED: it starts no jobs until it is enabled again.");
        }
        continue;
      }
      for (JobTicket job : queue.jobs()) {
        Assignment assignment = null;
        List<String> reasons = new ArrayList<>(queue.computeEnvironments().size());
        boolean canEverFit = false;
        boolean mayFitLater = false;
        for (String ceName : queue.computeEnvironments()) {
          ComputeEnvironmentView ce = computeEnvironments.get(ceName);
          Pool pool = pools.get(ceName);
          if (ce == null || !ce.enabled()) {
            reasons.add("compute environment " + ceName + " is DISABLED");
            mayFitLater = true;
            continue;
          }
          if (pool == null || pool.hosts.isEmpty()) {
            reasons.add(pool != null && pool.draining > 0
                ? "every host of compute environment " + ceName + " is draining"
                : "no host has joined compute environment " + ceName);
            mayFitLater = true;
            continue;
          }
          Resources largest = pool.largestHostFor(job.resources());
          if (largest != null) {
            reasons.add("no host in compute environment " + ceName + " can ever fit it (largest host: "
                + largest.describe() + ")");
            continue;
          }
          canEverFit = true;
          Slot slot = pool.bestFit(job.resources());
          if (slot != null) {
            slot.allocate(job.resources());
            assignment = new Assignment(job, ceName, slot.host.agentId());
            break;
          }
          reasons.add("compute environment " + ceName + " has no host with " + job.resources().describe() + " free");
        }
        if (assignment != null) {
          assignments.add(assignment);
        } else {
          waiting.put(job.jobId(), explain(queue, job, reasons, canEverFit, mayFitLater));
        }
      }
    }
    return new SchedulingDecision(assignments, waiting);
  }

  /**
   * Why a job waits, starting with AWS Batch's reason code (which job state time limit actions
   * match on). "Cannot run" only when every compute environment of the queue is enabled, has
   * hosts, and has none big enough: that will not change without an operator.
   */
  private static String explain(
      QueueView queue, JobTicket job, List<String> reasons, boolean canEverFit, boolean mayFitLater) {
    String prefix;
    if (canEverFit) {
      prefix = INSUFFICIENT_CAPACITY + " - Waiting for capacity: ";
    } else if (mayFitLater) {
      prefix = INSUFFICIENT_CAPACITY + " - Waiting: ";
    } else {
      prefix = JOB_RESOURCE_REQUIREMENT + " - Cannot run: no compute environment of job queue " + queue.name()
          + " can ever fit " + job.resources().describe() + ": ";
    }
    return prefix + String.join("; ", reasons) + ".";
  }

  /** The hosts of one compute environment, with what each has left during this pass. */
  private static final class Pool {
    final List<Slot> hosts = new ArrayList<>();
    int draining;

    void add(HostView host) {
      if (host.schedulable()) {
        hosts.add(new Slot(host));
      } else {
        draining++;
      }
    }

    /**
     * Null when some host's whole capacity fits {@code need}; else the capacity of the largest
     * host (by vCPU, then memory), to name in the reason.
     */
    Resources largestHostFor(Resources need) {
      Resources largest = null;
      for (Slot slot : hosts) {
        Resources capacity = slot.host.capacity();
        if (capacity.fits(need)) {
          return null;
        }
        if (largest == null || capacity.milliCpus() > largest.milliCpus()
            || (capacity.milliCpus() == largest.milliCpus() && capacity.memoryMib() > largest.memoryMib())) {
          largest = capacity;
        }
      }
      return largest;
    }

    /** The host whose free capacity fits {@code need} most tightly; busy hosts win ties. */
    Slot bestFit(Resources need) {
      Slot best = null;
      for (Slot slot : hosts) {
        if (!slot.free.fits(need)) {
          continue;
        }
        if (best == null || slot.tighterThan(best)) {
          best = slot;
        }
      }
      return best;
    }
  }

  private static final class Slot {
    final HostView host;
    Resources free;
    boolean busy;

    Slot(HostView host) {
      this.host = host;
      this.free = host.capacity().minus(host.allocated());
      this.busy = host.allocated().milliCpus() > 0 || host.allocated().memoryMib() > 0;
    }

    void allocate(Resources need) {
      free = free.minus(need);
      busy = true;
    }

    /** Fewer free GPUs first (keeps GPU hosts for GPU jobs), then fewer free vCPUs, then memory. */
    boolean tighterThan(Slot other) {
      int byGpu = Integer.compare(free.gpus(), other.free.gpus());
      if (byGpu != 0) {
        return byGpu < 0;
      }
      int byCpu = Long.compare(free.milliCpus(), other.free.milliCpus());
      if (byCpu != 0) {
        return byCpu < 0;
      }
      int byMemory = Long.compare(free.memoryMib(), other.free.memoryMib());
      if (byMemory != 0) {
        return byMemory < 0;
      }
      return busy && !other.busy;
    }
  }
}
