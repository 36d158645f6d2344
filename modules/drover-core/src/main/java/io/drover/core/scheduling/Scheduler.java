package io.drover.core.scheduling;

import io.drover.core.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scheduling pass, as a pure function of queues, compute environments and hosts.
 *
 * <ul>
 *   <li>Queues are served in descending {@code priority}. A first-in, first-out queue offers its
 *       jobs in order; a fair-share queue offers next the job (by scheduling priority, then first
 *       in, first out) of the share whose usage times weight factor is lowest, counting what this
 *       pass has placed already, and holds back AWS's compute reservation for shares that are not
 *       running yet.
 *   <li>A job goes to the first compute environment in its queue's order that has room (a host
 *       with the job's resources free, and the environment under its {@code maxvCpus}), spilling
 *       to the next when one is full.
 *   <li>Among hosts with room, hosts already running jobs come before idle ones (so idle hosts can
 *       be released), Spot before On-Demand, hosts without spare GPUs before GPU hosts, and then
 *       the tightest fit wins (bin packing). Nothing is ever placed beyond a host's free capacity.
 *   <li>A job that does not fit never blocks the jobs behind it (backfill). Once it has waited
 *       {@link SchedulerOptions#reservationAfterMillis}, the host nearest to fitting it is held for
 *       it: from then on, pass after pass, that host takes no other job, so it drains until the
 *       job fits. One job per queue holds a host at a time (the first in the queue's order).
 *   <li>A child of an array job with a concurrency cap waits while its array runs that many.
 * </ul>
 *
 * <p>Every job offered is either assigned or waiting with a reason, which starts with AWS Batch's
 * reason code where AWS has one (job state time limit actions match on it). A pass costs about
 * {@code O(jobs * log hosts)}: hosts sit in sorted sets by free capacity, and within a queue jobs
 * of a shape that failed to fit are not tried again (capacity only shrinks during a pass).
 */
public final class Scheduler {

  /** AWS Batch's reason code for a job that waits for capacity to free up or to join. */
  public static final String INSUFFICIENT_CAPACITY = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY";

  /** AWS Batch's reason code for a job that no compute environment of its queue can ever fit. */
  public static final String JOB_RESOURCE_REQUIREMENT = "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT";

  /** AWS Batch's reason code for a job larger than its compute environments' {@code maxvCpus}. */
  public static final String COMPUTE_ENVIRONMENT_MAX_RESOURCE = "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE";

  private Scheduler() {}

  public static SchedulingDecision schedule(
      List<QueueView> queues, Map<String, ComputeEnvironmentView> computeEnvironments, List<HostView> hosts) {
    return schedule(queues, computeEnvironments, hosts, Map.of(), Map.of(), SchedulerOptions.DEFAULT, 0);
  }

  /**
   * @param runningChildren for array jobs with a concurrency cap: how many children each
   *     (by parent job id) has started or placed
   * @param reservations the hosts held for waiting jobs by the previous pass (job id to agent
   *     id, {@link SchedulingDecision#reservations}): a job keeps its host while it still waits,
   *     so the host drains instead of the hold moving from host to host
   * @param now the pass's clock, against which {@link JobTicket#waitingSince} is measured
   */
  public static SchedulingDecision schedule(
      List<QueueView> queues,
      Map<String, ComputeEnvironmentView> computeEnvironments,
      List<HostView> hosts,
      Map<String, Integer> runningChildren,
      Map<String, String> reservations,
      SchedulerOptions options,
      long now) {
    return new Pass(computeEnvironments, hosts, runningChildren, reservations, options, now).run(queues);
  }

  /** The state of one pass: what each host and compute environment has left, and the outcome. */
  private static final class Pass {
    private final Map<String, ComputeEnvironmentView> computeEnvironments;
    private final Map<String, Pool> pools = new HashMap<>();
    private final Map<String, Integer> runningChildren;
    /** Hosts held since the previous pass, by the job they are held for. */
    private final Map<String, Slot> held = new HashMap<>();
    private final Map<String, String> reservations = new HashMap<>();
    private final SchedulerOptions options;
    private final long now;
    private final List<Assignment> assignments = new ArrayList<>();
    private JobTicket[] waitingJobs;
    private String[] reasons;
    private int waitingCount;

    Pass(
        Map<String, ComputeEnvironmentView> computeEnvironments,
        List<HostView> hosts,
        Map<String, Integer> runningChildren,
        Map<String, String> previousReservations,
        SchedulerOptions options,
        long now) {
      this.computeEnvironments = computeEnvironments;
      this.runningChildren = new HashMap<>(runningChildren);
      this.options = options;
      this.now = now;
      for (HostView host : hosts) {
        pools.computeIfAbsent(host.computeEnvironment(), name -> new Pool()).add(host);
      }
      if (!previousReservations.isEmpty()) {
        Map<String, Slot> byAgent = new HashMap<>();
        pools.values().forEach(pool -> pool.slots.forEach(slot -> byAgent.put(slot.host.agentId(), slot)));
        previousReservations.forEach((jobId, agentId) -> {
          Slot slot = byAgent.get(agentId);
          if (slot != null && !slot.reserved) {
            slot.pool.hold(slot);
            held.put(jobId, slot);
          }
        });
      }
    }

    SchedulingDecision run(List<QueueView> queues) {
      int offered = queues.stream().mapToInt(q -> q.jobs().size()).sum();
      waitingJobs = new JobTicket[offered];
      reasons = new String[waitingJobs.length];
      List<QueueView> ordered = new ArrayList<>(queues);
      ordered.sort(Comparator.comparingInt(QueueView::priority).reversed().thenComparing(QueueView::name));
      for (QueueView queue : ordered) {
        if (!queue.enabled()) {
          String reason = "Job queue " + queue.name() + " is DISABLED: it starts no jobs until it is enabled again.";
          queue.jobs().forEach(job -> waiting(job, reason));
        } else if (queue.fairShare() == null) {
          QueueRun run = new QueueRun(queue);
          queue.jobs().forEach(run::consider);
        } else {
          new QueueRun(queue).fairShare();
        }
      }
      return new SchedulingDecision(assignments, waitingJobs, reasons, waitingCount, reservations);
    }

    /** Records why a job waits; each offered job is recorded at most once, so the arrays suffice. */
    private void waiting(JobTicket job, String reason) {
      waitingJobs[waitingCount] = job;
      reasons[waitingCount++] = reason;
    }

    /** One queue's turn in the pass. */
    private final class QueueRun {
      private final QueueView queue;
      /** The queue's compute environments in order, and their pools (null: no schedulable host). */
      private final ComputeEnvironmentView[] ces;
      private final Pool[] poolsInOrder;
      /** The reason a job of each shape did not fit; later jobs of that shape cannot fit either. */
      private final Map<Resources, String> didNotFit = new HashMap<>();
      private boolean reserved;

      QueueRun(QueueView queue) {
        this.queue = queue;
        List<String> names = queue.computeEnvironments();
        this.ces = new ComputeEnvironmentView[names.size()];
        this.poolsInOrder = new Pool[names.size()];
        for (int i = 0; i < names.size(); i++) {
          ces[i] = computeEnvironments.get(names.get(i));
          poolsInOrder[i] = pools.get(names.get(i));
        }
      }

      /**
       * Serves the share with the lowest weighted usage next, until every job was considered.
       * Once not even the smallest job of the queue fits anywhere, the rest only need their
       * reasons: they are taken share by share, in the order they came (which is quicker).
       */
      void fairShare() {
        FairShareView policy = queue.fairShare();
        Map<String, Share> shares = new LinkedHashMap<>();
        Share current = null;
        long smallestCpu = Long.MAX_VALUE;
        long smallestMemory = Long.MAX_VALUE;
        int smallestGpus = Integer.MAX_VALUE;
        for (JobTicket job : queue.jobs()) {
          String name = job.shareIdentifier() == null ? "" : job.shareIdentifier();
          if (current == null || !current.name.equals(name)) {
            current = shares.computeIfAbsent(name, n -> new Share(n, policy));
          }
          current.jobs.add(job);
          Resources need = job.resources();
          smallestCpu = Math.min(smallestCpu, need.milliCpus());
          smallestMemory = Math.min(smallestMemory, need.memoryMib());
          smallestGpus = Math.min(smallestGpus, need.gpus());
        }
        if (shares.isEmpty()) {
          return;
        }
        Resources smallest = new Resources(smallestCpu, smallestMemory, smallestGpus);
        ComputeReservation reservation = new ComputeReservation(policy);
        PriorityQueue<Share> next = new PriorityQueue<>(shares.size(), Share.ORDER);
        next.addAll(shares.values());
        Share share = next.poll();
        int failures = 0;
        while (share != null) {
          if (serve(share, share.jobs.get(share.position++), reservation)) {
            failures = 0;
          } else if (++failures % 64 == 0 && full(smallest)) {
            shares.values().forEach(rest -> {
              while (rest.position < rest.jobs.size()) {
                serve(rest, rest.jobs.get(rest.position++), reservation);
              }
            });
            return;
          }
          // The same share goes on while it is still the one with the lowest weighted usage.
          Share other = next.peek();
          if (share.position == share.jobs.size()) {
            share = next.poll();
          } else if (other != null && Share.ORDER.compare(share, other) > 0) {
            next.poll();
            next.add(share);
            share = other;
          }
        }
      }

      /** Places one job of a share, within the compute reservation; true when placed. */
      private boolean serve(Share share, JobTicket job, ComputeReservation reservation) {
        long need = job.resources().milliCpus();
        if (share.active && !reservation.allows(need)) {
          waiting(job, reservation.reason());
          return false;
        }
        if (!consider(job)) {
          return false;
        }
        share.held(need);
        if (share.active) {
          reservation.held(need);
        }
        return true;
      }

      /** True when {@code need} fits no host of any of the queue's compute environments. */
      private boolean full(Resources need) {
        for (int i = 0; i < ces.length; i++) {
          ComputeEnvironmentView ce = ces[i];
          Pool pool = poolsInOrder[i];
          if (ce != null && ce.enabled() && pool != null && withinMax(ce, pool, need) && pool.bestFit(need) != null) {
            return false;
          }
        }
        return true;
      }

      /**
       * AWS's compute reservation in a fair-share queue: with {@code n} shares active (holding
       * vCPU when the pass began), active shares together may hold at most
       * {@code 1 - (percent/100)^n} of the queue's vCPU; the rest is kept for shares not yet running.
       */
      private final class ComputeReservation {
        private final int percent;
        private final int activeShares;
        private long activeHeld;
        private long basis;
        private double heldBack;
        private long limit = Long.MAX_VALUE;
        private String reason;

        ComputeReservation(FairShareView policy) {
          this.percent = policy.computeReservationPercent();
          int active = 0;
          for (Long held : policy.heldMilliCpus().values()) {
            if (held > 0) {
              active++;
              activeHeld += held;
            }
          }
          this.activeShares = active;
          if (percent > 0 && active > 0) {
            basis = fairShareBasis();
            heldBack = Math.pow(percent / 100.0, active);
            limit = (long) Math.floor(basis * (1 - heldBack));
          }
        }

        boolean allows(long milliCpus) {
          return activeHeld + milliCpus <= limit;
        }

        void held(long milliCpus) {
          activeHeld += milliCpus;
        }

        String reason() {
          if (reason == null) {
            reason = INSUFFICIENT_CAPACITY + " - Waiting: job queue " + queue.name() + " holds back "
                + Math.round(basis * heldBack / 10.0) / 100.0 + " of its " + basis / 1000.0
                + " vCPU for shares that are not running yet (computeReservation " + percent + ", " + activeShares
                + " active share(s)); shares already running share the rest.";
          }
          return reason;
        }
      }

      /** The vCPU compute reservation is a fraction of: the queue's compute environments' size. */
      private long fairShareBasis() {
        long basis = 0;
        for (int i = 0; i < ces.length; i++) {
          ComputeEnvironmentView ce = ces[i];
          Pool pool = poolsInOrder[i];
          if (ce != null && ce.fairShareMilliCpus() > 0) {
            basis += ce.fairShareMilliCpus();
          } else if (ce != null && ce.maxMilliCpus() > 0) {
            basis += ce.maxMilliCpus();
          } else if (pool != null) {
            basis += pool.capacityMilliCpus;
          }
        }
        return basis;
      }

      /** True when the pool's compute environment is enabled and one of this queue's. */
      private boolean usable(Pool pool) {
        int i = indexOf(pool);
        return i >= 0 && ces[i] != null && ces[i].enabled();
      }

      /** Where the pool stands in this queue's compute environment order, or -1. */
      private int indexOf(Pool pool) {
        for (int i = 0; i < poolsInOrder.length; i++) {
          if (poolsInOrder[i] == pool) {
            return i;
          }
        }
        return -1;
      }

      /** True when {@code need} keeps the pool's compute environment within its {@code maxvCpus}. */
      private static boolean withinMax(ComputeEnvironmentView ce, Pool pool, Resources need) {
        return ce.maxMilliCpus() == 0 || pool.heldMilliCpus + need.milliCpus() <= ce.maxMilliCpus();
      }

      /** Places the job or records why it waits; true when placed. */
      boolean consider(JobTicket job) {
        String arrayJobId = job.arrayJobId();
        if (job.maxConcurrentChildren() > 0 && arrayJobId != null) {
          int running = runningChildren.getOrDefault(arrayJobId, 0);
          if (running >= job.maxConcurrentChildren()) {
            waiting(job, "Waiting: array job " + arrayJobId + " runs " + running + " children, its limit of "
                + job.maxConcurrentChildren() + " at once (maxConcurrentChildren).");
            return false;
          }
        }
        boolean starving = !reserved && now - job.waitingSince() >= options.reservationAfterMillis();
        String known = didNotFit.get(job.resources());
        if (known != null && !starving && (held.isEmpty() || !held.containsKey(job.jobId()))) {
          waiting(job, known);
          return false;
        }
        if (place(job, starving)) {
          if (arrayJobId != null && job.maxConcurrentChildren() > 0) {
            runningChildren.merge(arrayJobId, 1, Integer::sum);
          }
          return true;
        }
        return false;
      }

      private boolean place(JobTicket job, boolean starving) {
        Resources need = job.resources();
        Slot mine = held.isEmpty() ? null : held.get(job.jobId());
        if (mine != null && mine.fits(need) && usable(mine.pool) && withinMax(ces[indexOf(mine.pool)], mine.pool, need)) {
          mine.pool.release(mine);
          mine.pool.allocate(mine, need);
          assignments.add(new Assignment(job, mine.host.computeEnvironment(), mine.host.agentId()));
          return true;
        }
        for (int i = 0; i < ces.length; i++) {
          ComputeEnvironmentView ce = ces[i];
          Pool pool = poolsInOrder[i];
          if (ce == null || !ce.enabled() || pool == null || !withinMax(ce, pool, need)) {
            continue;
          }
          Slot slot = pool.bestFit(need);
          if (slot != null) {
            pool.allocate(slot, need);
            assignments.add(new Assignment(job, ce.name(), slot.host.agentId()));
            return true;
          }
        }
        Explanation explanation = explain(job);
        didNotFit.putIfAbsent(need, explanation.reason);
        String reason = explanation.reason;
        if (explanation.canEverFit && starving) {
          String held = reserveFor(job);
          if (held != null) {
            reserved = true;
            reason = reason.substring(0, reason.length() - 1) + "; " + held + ".";
          }
        }
        waiting(job, reason);
        return false;
      }

      /**
       * Why a job that found no room waits, starting with AWS Batch's reason code. "Cannot run"
       * only when every compute environment of the queue is enabled, has hosts, and has none big
       * enough: that will not change without an operator.
       */
      private Explanation explain(JobTicket job) {
        Resources need = job.resources();
        List<String> why = new ArrayList<>(queue.computeEnvironments().size());
        boolean canEverFit = false;
        boolean mayFitLater = false;
        boolean overMax = false;
        for (int i = 0; i < ces.length; i++) {
          String ceName = queue.computeEnvironments().get(i);
          ComputeEnvironmentView ce = ces[i];
          Pool pool = poolsInOrder[i];
          if (ce == null || !ce.enabled()) {
            why.add("compute environment " + ceName + " is DISABLED");
            mayFitLater = true;
          } else if (ce.maxMilliCpus() > 0 && need.milliCpus() > ce.maxMilliCpus()) {
            why.add("compute environment " + ceName + " allows at most " + ce.maxMilliCpus() / 1000.0 + " vCPU (maxvCpus)");
            overMax = true;
          } else if (pool == null || pool.slots.isEmpty()) {
            why.add(pool != null && pool.draining > 0
                ? "every host of compute environment " + ceName + " is draining"
                : "no host has joined compute environment " + ceName);
            mayFitLater = true;
          } else if (pool.largestHostFor(need) != null) {
            why.add("no host in compute environment " + ceName + " can ever fit it (largest host: "
                + pool.largestHostFor(need).describe() + ")");
          } else if (ce.maxMilliCpus() > 0 && pool.heldMilliCpus + need.milliCpus() > ce.maxMilliCpus()) {
            canEverFit = true;
            why.add("compute environment " + ceName + " is at its maxvCpus (" + pool.heldMilliCpus / 1000.0 + " of "
                + ce.maxMilliCpus() / 1000.0 + " vCPU in use)");
          } else {
            canEverFit = true;
            why.add("compute environment " + ceName + " has no host with " + need.describe() + " free");
          }
        }
        String prefix;
        if (canEverFit) {
          prefix = INSUFFICIENT_CAPACITY + " - Waiting for capacity: ";
        } else if (mayFitLater) {
          prefix = INSUFFICIENT_CAPACITY + " - Waiting: ";
        } else {
          prefix = (overMax ? COMPUTE_ENVIRONMENT_MAX_RESOURCE : JOB_RESOURCE_REQUIREMENT)
              + " - Cannot run: no compute environment of job queue " + queue.name() + " can ever fit "
              + need.describe() + ": ";
        }
        return new Explanation(prefix + String.join("; ", why) + ".", canEverFit);
      }

      /**
       * Holds a host for the job: the one it has held since the previous pass, else the one
       * nearest to fitting it in the first compute environment where one can.
       */
      private String reserveFor(JobTicket job) {
        Slot slot = held.get(job.jobId());
        if (slot != null && !usable(slot.pool)) {
          slot = null;
        }
        for (int i = 0; i < ces.length && slot == null; i++) {
          if (ces[i] != null && ces[i].enabled() && poolsInOrder[i] != null) {
            slot = poolsInOrder[i].nearestFit(job.resources());
          }
        }
        if (slot == null) {
          return null;
        }
        if (!slot.reserved) {
          slot.pool.hold(slot);
        }
        reservations.put(job.jobId(), slot.host.agentId());
        return "host " + slot.host.agentId() + " of compute environment " + slot.host.computeEnvironment()
            + " is held for it and takes no other jobs until it fits";
      }
    }
  }

  private record Explanation(String reason, boolean canEverFit) {}

  /** One share of a fair-share queue during a pass: its jobs in order and its weighted usage. */
  private static final class Share {
    /** Lowest weighted usage first; on a tie, the share whose next job is first in line. */
    static final Comparator<Share> ORDER = (a, b) -> {
      int byKey = Double.compare(a.key, b.key);
      return byKey != 0 ? byKey : JobTicket.PRIORITY_THEN_FIFO.compare(a.jobs.get(a.position), b.jobs.get(b.position));
    };

    final String name;
    final List<JobTicket> jobs = new ArrayList<>();
    final double weight;
    final double perPlacedVcpu;
    /** Holding vCPU when the pass began: compute reservation limits active shares. */
    final boolean active;
    double usage;
    double key;
    int position;

    Share(String name, FairShareView policy) {
      this.name = name;
      this.weight = policy.weightFactor().applyAsDouble(name);
      this.perPlacedVcpu = policy.usagePerPlacedVcpu();
      this.active = policy.heldMilliCpus().getOrDefault(name, 0L) > 0;
      this.usage = policy.usage().getOrDefault(name, 0.0);
      this.key = usage * weight;
    }

    void held(long milliCpus) {
      usage += milliCpus / 1000.0 * perPlacedVcpu;
      key = usage * weight;
    }
  }

  /** The hosts of one compute environment, with what each has left during this pass. */
  private static final class Pool {
    private static final int BUSY_SPOT = 0;
    private static final int BUSY_ON_DEMAND = 1;
    private static final int IDLE_SPOT = 2;
    private static final int IDLE_ON_DEMAND = 3;

    /** Hosts with room, by how busy and which lifecycle, in the order placement tries them. */
    final Tier[] tiers = {new Tier(), new Tier(), new Tier(), new Tier()};
    final List<Slot> slots = new ArrayList<>();
    final Set<Resources> capacities = new HashSet<>();
    /** For each shape asked about: the largest host when none can ever fit it, else empty. */
    final Map<Resources, Optional<Resources>> tooLarge = new HashMap<>();
    final Slot probe = new Slot(null, null, -1);
    int draining;
    long capacityMilliCpus;
    long heldMilliCpus;

    void add(HostView host) {
      heldMilliCpus += host.allocated().milliCpus();
      if (!host.schedulable()) {
        draining++;
        return;
      }
      Slot slot = new Slot(this, host, slots.size());
      slots.add(slot);
      capacityMilliCpus += host.capacity().milliCpus();
      capacities.add(host.capacity());
      tiers[slot.tier()].hosts.add(slot);
    }

    /**
     * Null when some host's whole capacity fits {@code need}; else the capacity of the largest
     * host (by vCPU, then memory), to name in the reason.
     */
    Resources largestHostFor(Resources need) {
      return tooLarge.computeIfAbsent(need, this::largestUnless).orElse(null);
    }

    private Optional<Resources> largestUnless(Resources need) {
      Resources largest = null;
      for (Resources capacity : capacities) {
        if (capacity.fits(need)) {
          return Optional.empty();
        }
        if (largest == null || capacity.milliCpus() > largest.milliCpus()
            || (capacity.milliCpus() == largest.milliCpus() && capacity.memoryMib() > largest.memoryMib())) {
          largest = capacity;
        }
      }
      return Optional.of(largest);
    }

    /**
     * The host to place {@code need} on: GPU level by level from the job's own (so hosts with
     * spare GPUs are used last), busy hosts before idle ones and Spot before On-Demand within a
     * level, the tightest fit within a tier.
     */
    Slot bestFit(Resources need) {
      int level = need.gpus();
      while (level >= 0) {
        for (Tier tier : tiers) {
          Slot slot = tier.firstFit(level, need, probe);
          if (slot != null) {
            return slot;
          }
        }
        level = nextLevel(level);
      }
      return null;
    }

    /** The lowest free-GPU count above {@code level} any host has, or -1. */
    private int nextLevel(int level) {
      probe.set(level + 1, 0, 0);
      int next = -1;
      for (Tier tier : tiers) {
        Slot slot = tier.hosts.ceiling(probe);
        if (slot != null && (next < 0 || slot.freeGpus < next)) {
          next = slot.freeGpus;
        }
      }
      return next;
    }

    void allocate(Slot slot, Resources need) {
      int before = slot.tier();
      tiers[before].hosts.remove(slot);
      slot.allocate(need);
      heldMilliCpus += need.milliCpus();
      int after = slot.tier();
      if (after != before) {
        tiers[after].gained(slot);
      }
      tiers[after].hosts.add(slot);
    }

    /** Of the hosts not held whole enough to fit {@code need}, the one with the most room free; or null. */
    Slot nearestFit(Resources need) {
      Slot best = null;
      for (Slot slot : slots) {
        if (slot.reserved || !slot.host.capacity().fits(need)) {
          continue;
        }
        if (best == null || slot.freeMilliCpus > best.freeMilliCpus
            || (slot.freeMilliCpus == best.freeMilliCpus && slot.freeMemoryMib > best.freeMemoryMib)) {
          best = slot;
        }
      }
      return best;
    }

    /** Takes a host out of placement: it is held for one job. */
    void hold(Slot slot) {
      tiers[slot.tier()].hosts.remove(slot);
      slot.reserved = true;
    }

    /** Puts a held host back, for the job it was held for. */
    void release(Slot slot) {
      slot.reserved = false;
      Tier tier = tiers[slot.tier()];
      tier.gained(slot);
      tier.hosts.add(slot);
    }
  }

  /**
   * Hosts of one tier, sorted by free GPUs, vCPU, memory; and the smallest shapes none of them had
   * room for. Hosts only shrink while in a tier, so anything at least as large as such a shape
   * cannot fit either, unless a host that joins the tier fits it.
   */
  private static final class Tier {
    final TreeSet<Slot> hosts = new TreeSet<>(Slot.BY_FREE);
    final List<Resources> failed = new ArrayList<>();

    Slot firstFit(int level, Resources need, Slot probe) {
      for (Resources shape : failed) {
        if (level == need.gpus() && shape.gpus() == need.gpus() && need.fits(shape)) {
          return null;
        }
      }
      probe.set(level, need.milliCpus(), need.memoryMib());
      Slot slot = hosts.ceiling(probe);
      while (slot != null && slot.freeGpus == level) {
        if (slot.freeMemoryMib >= need.memoryMib()) {
          return slot;
        }
        // Too little memory: skip to this vCPU value's first host with enough, or the next value.
        probe.set(level, slot.freeMilliCpus, need.memoryMib());
        slot = hosts.ceiling(probe);
      }
      if (level == need.gpus()) {
        failed.removeIf(shape -> shape.fits(need));
        failed.add(need);
      }
      return null;
    }

    /** A host joined: shapes that fit it may fit now. */
    void gained(Slot slot) {
      failed.removeIf(shape -> shape.gpus() <= slot.freeGpus && shape.milliCpus() <= slot.freeMilliCpus
          && shape.memoryMib() <= slot.freeMemoryMib);
    }
  }

  /** A host and what it has left during the pass. Its sort key changes only while out of its set. */
  private static final class Slot {
    static final Comparator<Slot> BY_FREE = (a, b) -> {
      if (a.freeGpus != b.freeGpus) {
        return Integer.compare(a.freeGpus, b.freeGpus);
      }
      if (a.freeMilliCpus != b.freeMilliCpus) {
        return Long.compare(a.freeMilliCpus, b.freeMilliCpus);
      }
      if (a.freeMemoryMib != b.freeMemoryMib) {
        return Long.compare(a.freeMemoryMib, b.freeMemoryMib);
      }
      return Integer.compare(a.sequence, b.sequence);
    };

    final Pool pool;
    final HostView host;
    final int sequence;
    int freeGpus;
    long freeMilliCpus;
    long freeMemoryMib;
    boolean busy;
    boolean reserved;

    Slot(Pool pool, HostView host, int sequence) {
      this.pool = pool;
      this.host = host;
      this.sequence = sequence;
      if (host != null) {
        Resources free = host.capacity().minus(host.allocated());
        freeGpus = free.gpus();
        freeMilliCpus = free.milliCpus();
        freeMemoryMib = free.memoryMib();
        busy = host.allocated().milliCpus() > 0 || host.allocated().memoryMib() > 0 || host.allocated().gpus() > 0;
      }
    }

    boolean fits(Resources need) {
      return freeGpus >= need.gpus() && freeMilliCpus >= need.milliCpus() && freeMemoryMib >= need.memoryMib();
    }

    int tier() {
      boolean spot = host.spot();
      if (busy) {
        return spot ? Pool.BUSY_SPOT : Pool.BUSY_ON_DEMAND;
      }
      return spot ? Pool.IDLE_SPOT : Pool.IDLE_ON_DEMAND;
    }

    void set(int gpus, long milliCpus, long memoryMib) {
      freeGpus = gpus;
      freeMilliCpus = milliCpus;
      freeMemoryMib = memoryMib;
    }

    void allocate(Resources need) {
      freeGpus -= need.gpus();
      freeMilliCpus -= need.milliCpus();
      freeMemoryMib -= need.memoryMib();
      busy = true;
    }
  }
}
