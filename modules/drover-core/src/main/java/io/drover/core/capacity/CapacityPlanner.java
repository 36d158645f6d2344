package io.drover.core.capacity;

import static io.drover.core.scheduling.Scheduler.COMPUTE_ENVIRONMENT_MAX_RESOURCE;
import static io.drover.core.scheduling.Scheduler.INSUFFICIENT_CAPACITY;
import static io.drover.core.scheduling.Scheduler.JOB_RESOURCE_REQUIREMENT;

import io.drover.core.capacity.InstanceView.State;
import io.drover.core.capacity.Termination.Cause;
import io.drover.core.model.Resources;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One round of capacity planning for a MANAGED compute environment, as a pure function of its
 * settings, the jobs waiting for it, its instances, the provider's throttling and the time.
 *
 * <ul>
 *   <li>Reclaimed (Spot-interrupted) instances count as gone: not as capacity, vCPUs or cost. Their
 *       jobs come back in the demand, so replacements are planned at once.
 *   <li>A pending instance whose agent has not joined within the join timeout is terminated; it
 *       never counted as capacity, so it is replaced like any missing capacity.
 *   <li>While the environment holds more than {@code maxvCpus} (an update lowered it), idle
 *       instances (draining first, longest idle first), then pending ones (newest first) are
 *       terminated until it is back within it. Busy instances are never terminated: the excess is
 *       noted and goes as they become idle.
 *   <li>Idle instances past the scale-down delay are terminated (draining first, longest idle
 *       first) as long as the environment keeps its floor: {@code minvCpus}, or an explicit
 *       {@code desiredvCpus} when higher. With a floor of 0 an idle environment scales to zero.
 *       No termination but a never-joined one takes the environment below its floor.
 *   <li>Waiting jobs are bin-packed, largest first (GPUs, then vCPU, then memory), onto the
 *       pending instances (capacity already coming) and then onto new instances. A new instance's
 *       type is, among the allowed types that fit the job and the limits, the one that covers the
 *       remaining demand of its kind (GPU or not) with the fewest spare GPUs, then at the lowest
 *       hourly cost (not for {@code SPOT_CAPACITY_OPTIMIZED}, which ignores price), then with the
 *       fewest vCPUs and memory bought, then the fewest instances.
 *   <li>A type with a recent capacity error sits out its cool-down: {@code BEST_FIT} waits for its
 *       best type rather than use another; the other strategies fall through to the next best
 *       type and list the failed one last.
 *   <li>Jobs that no allowed type fits, or only types above {@code maxvCpus} or the budget cap,
 *       are unsatisfiable, with a reason; jobs the limits or throttling leave without capacity in
 *       this round are deferred, with a reason.
 *   <li>The environment is then filled up to its floor, even without demand.
 *   <li>The total vCPUs of the instances kept, pending and launched never exceed {@code maxvCpus},
 *       nor their cost {@code maxHourlyCost}; nothing is launched while the provider throttles.
 * </ul>
 *
 * <p>New instances of one type form one {@link Launch}, whose later candidate types hold every
 * instance's jobs and are no bigger (nor, under a budget, pricier) than the first. A plan costs
 * {@code O((instances + jobs) log(instances + jobs) + shapes * types)}.
 */
public final class CapacityPlanner {

  private CapacityPlanner() {}

  /**
   * Decides what to launch and terminate in {@code environment} now.
   *
   * @param demand the jobs waiting for the environment that no existing host could take, the
   *     most urgent first (the first jobs of a shape get capacity first)
   * @param instances every instance of the environment the capacity manager knows of
   * @param now the planning time, in epoch milliseconds
   */
  public static CapacityPlan plan(
      ManagedEnvironmentView environment,
      List<WaitingJob> demand,
      List<InstanceView> instances,
      LaunchThrottle throttle,
      CapacityOptions options,
      long now) {
    Planning planning = new Planning(environment, throttle, options, now);
    planning.terminate(instances);
    planning.launchFor(demand);
    planning.keepFloor();
    return planning.plan();
  }

  /** The state of one round: what the environment holds and costs as decisions are made, and the outcome. */
  private static final class Planning {
    private static final Comparator<InstanceView> IDLE_FIRST = Comparator.comparing((InstanceView i) -> !i.draining())
        .thenComparingLong(InstanceView::idleSince)
        .thenComparing(InstanceView::instanceId);
    private static final Comparator<InstanceView> OLDEST_FIRST =
        Comparator.comparingLong(InstanceView::launchedAt).thenComparing(InstanceView::instanceId);
    private static final Comparator<Resources> LARGEST_FIRST = Comparator.comparingInt(Resources::gpus)
        .thenComparingLong(Resources::milliCpus)
        .thenComparingLong(Resources::memoryMib)
        .reversed();

    private final ManagedEnvironmentView environment;
    private final CapacityOptions options;
    private final long now;
    private final long noLaunchBefore;
    /** The allowed types, by name. */
    private final Type[] types;
    private final long max;
    private final long floor;
    private final boolean capped;
    /** The budget cap in millionths of a USD per hour, when {@link #capped}. */
    private final long budget;
    /** vCPUs of the instances kept and launched so far. */
    private long vcpus;
    /** Cost of the instances kept and launched so far, in millionths of a USD per hour (unknown prices left out). */
    private long cost;
    private int unpriced;
    private int reclaimed;
    private final List<InstanceView> pending = new ArrayList<>();
    private final List<Termination> terminations = new ArrayList<>();
    private final Set<String> terminated = new HashSet<>();
    /** Pending and new instances with room for waiting jobs, by free capacity. */
    private final TreeSet<Bin> bins = new TreeSet<>(Bin.BY_FREE);
    private final Bin probe = new Bin(null, -1, Resources.ZERO);
    private final List<Bin> opened = new ArrayList<>();
    private final Map<Type, Integer> forFloor = new LinkedHashMap<>();
    private final Totals gpuDemand = new Totals();
    private final Totals otherDemand = new Totals();
    private final Map<String, String> unsatisfiable = new HashMap<>();
    private final Map<String, String> deferred = new HashMap<>();
    private final Map<String, Integer> deferredByReason = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** The most any allowed type has of each resource, to name when a job fits none. */
    private final String largest;
    private int sequence;

    Planning(ManagedEnvironmentView environment, LaunchThrottle throttle, CapacityOptions options, long now) {
      this.environment = environment;
      this.options = options;
      this.now = now;
      this.noLaunchBefore = throttle.noLaunchBefore();
      this.max = environment.maxvCpus();
      this.floor = environment.floorvCpus();
      this.capped = environment.maxHourlyCost() != null;
      this.budget = capped ? micros(environment.maxHourlyCost()) : Long.MAX_VALUE;
      this.types = environment.instanceTypes().stream()
          .sorted(Comparator.comparing(InstanceType::name))
          .map(entry -> {
            Long failedAt = throttle.capacityErrors().get(entry.name());
            long coolingUntil = failedAt == null ? 0 : failedAt + options.capacityErrorCooldownMillis();
            return new Type(entry, micros(entry.price(environment.lifecycle())), now < coolingUntil ? coolingUntil : 0);
          })
          .toArray(Type[]::new);
      this.largest = Arrays.stream(types).map(type -> type.capacity)
          .reduce(Resources.ZERO, (a, b) -> new Resources(Math.max(a.milliCpus(), b.milliCpus()),
              Math.max(a.memoryMib(), b.memoryMib()), Math.max(a.gpus(), b.gpus())))
          .describe();
    }

    // ---- terminations

    void terminate(List<InstanceView> instances) {
      List<InstanceView> byId = new ArrayList<>(instances);
      byId.sort(Comparator.comparing(InstanceView::instanceId));
      List<InstanceView> idle = new ArrayList<>();
      for (InstanceView instance : byId) {
        if (instance.state() == State.RECLAIMED) {
          reclaimed++;
        } else if (instance.state() == State.PENDING && now - instance.launchedAt() >= options.joinTimeoutMillis()) {
          terminations.add(new Termination(instance.instanceId(), Cause.NEVER_JOINED, "launched at " + time(instance.launchedAt())
              + ", its agent had not joined within the join timeout (" + duration(options.joinTimeoutMillis()) + ")"));
        } else {
          vcpus += instance.type().vcpus();
          long price = micros(instance.type().price(instance.lifecycle()));
          if (price < 0) {
            unpriced++;
          } else {
            cost += price;
          }
          if (instance.state() == State.PENDING) {
            pending.add(instance);
          } else if (!instance.busy()) {
            idle.add(instance);
          }
        }
      }
      idle.sort(IDLE_FIRST);
      pending.sort(OLDEST_FIRST);
      if (vcpus > max) {
        List<InstanceView> order = new ArrayList<>(idle);
        for (int i = pending.size() - 1; i >= 0; i--) {
          order.add(pending.get(i));
        }
        for (InstanceView instance : order) {
          if (vcpus <= max) {
            break;
          }
          if (vcpus - instance.type().vcpus() >= floor) {
            end(instance, Cause.ABOVE_MAX, (instance.state() == State.PENDING ? "not joined yet" : "idle") + " while compute environment "
                + environment.name() + " held " + vcpus + " vCPU, above its maxvCpus (" + max + ")");
          }
        }
        if (vcpus > max) {
          notes.add("Compute environment " + environment.name() + " holds " + vcpus + " vCPU, above its maxvCpus (" + max
              + "): busy instances are terminated once idle, and nothing is launched meanwhile.");
        }
      }
      for (InstanceView instance : idle) {
        if (!terminated.contains(instance.instanceId()) && now - instance.idleSince() >= options.idleDelayMillis()
            && vcpus - instance.type().vcpus() >= floor) {
          end(instance, Cause.IDLE, (instance.draining() ? "draining and idle" : "idle") + " since " + time(instance.idleSince())
              + ", longer than the scale-down delay (" + duration(options.idleDelayMillis()) + "), and compute environment "
              + environment.name() + " keeps " + (vcpus - instance.type().vcpus()) + " vCPU, at least its floor (" + floor + ")");
        }
      }
      pending.removeIf(instance -> terminated.contains(instance.instanceId()));
      if (reclaimed > 0) {
        notes.add(reclaimed + " reclaimed instance(s) count as gone; their jobs are planned for again.");
      }
      if (capped && unpriced > 0) {
        notes.add(unpriced + " instance(s) have no known price and are not counted against maxHourlyCost (" + usd(budget) + ").");
      }
      if (capped && cost > budget) {
        notes.add("The instances cost " + usd(cost) + " USD/hour, above maxHourlyCost (" + usd(budget) + "): nothing is launched.");
      }
    }

    private void end(InstanceView instance, Cause cause, String reason) {
      terminations.add(new Termination(instance.instanceId(), cause, reason));
      terminated.add(instance.instanceId());
      vcpus -= instance.type().vcpus();
      long price = micros(instance.type().price(instance.lifecycle()));
      if (price >= 0) {
        cost -= price;
      }
    }

    // ---- launches for waiting jobs

    void launchFor(List<WaitingJob> demand) {
      Map<Resources, List<String>> byShape = new HashMap<>();
      for (WaitingJob job : demand) {
        byShape.computeIfAbsent(job.resources(), shape -> new ArrayList<>()).add(job.jobId());
      }
      List<Resources> shapes = new ArrayList<>(byShape.keySet());
      shapes.sort(LARGEST_FIRST);
      for (Resources shape : shapes) {
        totalsFor(shape).add(shape, byShape.get(shape).size());
      }
      for (InstanceView instance : pending) {
        bins.add(new Bin(null, sequence++, instance.type().capacity()));
      }
      for (Resources shape : shapes) {
        List<String> jobIds = byShape.get(shape);
        String never = never(shape);
        if (never != null) {
          jobIds.forEach(jobId -> unsatisfiable.put(jobId, never));
          totalsFor(shape).add(shape, -jobIds.size());
        } else {
          pack(shape, jobIds);
        }
      }
      if (!unsatisfiable.isEmpty()) {
        notes.add(unsatisfiable.size() + " waiting job(s) can never run in compute environment " + environment.name() + ".");
      }
      deferredByReason.forEach((reason, count) -> notes.add(count + " waiting job(s) get no instance in this round: " + reason));
    }

    /** Why no instance can ever run a job of this shape, with AWS's reason code; null when one can. */
    private String never(Resources need) {
      Type smallest = null;
      boolean affordable = false;
      for (Type type : types) {
        if (type.capacity.fits(need)) {
          if (smallest == null || type.entry.vcpus() < smallest.entry.vcpus()) {
            smallest = type;
          }
          affordable |= type.entry.vcpus() <= max && (!capped || (type.price >= 0 && type.price <= budget));
        }
      }
      String ce = "compute environment " + environment.name();
      if (types.length == 0) {
        return JOB_RESOURCE_REQUIREMENT + " - " + ce + " allows no instance types.";
      }
      if (smallest == null) {
        return JOB_RESOURCE_REQUIREMENT + " - No instance type " + ce + " allows fits the job: it needs " + need.describe()
            + "; the allowed types have at most " + largest + ".";
      }
      if (smallest.entry.vcpus() > max) {
        return COMPUTE_ENVIRONMENT_MAX_RESOURCE + " - The smallest instance type that fits the job, " + smallest.entry.name()
            + " (" + smallest.entry.vcpus() + " vCPU), is larger than the maxvCpus (" + max + ") of " + ce + ".";
      }
      if (!affordable) {
        return COMPUTE_ENVIRONMENT_MAX_RESOURCE + " - Every instance type that fits the job costs more than the maxHourlyCost ("
            + usd(budget) + " USD/hour) of " + ce + ", or has no known price.";
      }
      return null;
    }

    /** Puts the jobs of one shape on instances with room, opening new ones while the limits allow; defers the rest. */
    private void pack(Resources shape, List<String> jobIds) {
      Totals kind = totalsFor(shape);
      int next = 0;
      while (next < jobIds.size()) {
        int left = jobIds.size() - next;
        Bin bin = bestFit(shape);
        if (bin != null) {
          int taken = (int) Math.min(left, bin.room(shape));
          take(bin, shape, taken);
          next += taken;
        } else {
          Choice choice = choose(shape, kind);
          if (choice.type() == null) {
            String reason = INSUFFICIENT_CAPACITY + " - Waiting: " + choice.refusal();
            jobIds.subList(next, jobIds.size()).forEach(jobId -> deferred.put(jobId, reason));
            deferredByReason.merge(choice.refusal(), left, Integer::sum);
            kind.add(shape, -left);
            return;
          }
          Type type = choice.type();
          long perInstance = new Bin(type, -1, type.capacity).room(shape);
          long count = Math.min(ceilDiv(left, perInstance), affordable(type));
          for (long i = 0; i < count && next < jobIds.size(); i++) {
            Bin fresh = open(type);
            int taken = (int) Math.min(jobIds.size() - next, perInstance);
            take(fresh, shape, taken);
            next += taken;
          }
        }
      }
    }

    private void take(Bin bin, Resources shape, int count) {
      bins.remove(bin);
      bin.take(shape, count);
      bins.add(bin);
      totalsFor(shape).add(shape, -count);
    }

    private Bin open(Type type) {
      Bin bin = new Bin(type, sequence++, type.capacity);
      opened.add(bin);
      vcpus += type.entry.vcpus();
      cost += Math.max(0, type.price);
      return bin;
    }

    /** How many instances of the type the room under {@code maxvCpus} and the budget still allow. */
    private long affordable(Type type) {
      long count = (max - vcpus) / type.entry.vcpus();
      return capped && type.price > 0 ? Math.min(count, (budget - cost) / type.price) : count;
    }

    /**
     * The instance with room for {@code need} that has the least free: fewest GPUs, then vCPU,
     * then memory. Each step skips to the next vCPU value with enough memory, so a lookup costs
     * a few {@code ceiling} calls.
     */
    private Bin bestFit(Resources need) {
      probe.set(need.gpus(), need.milliCpus(), need.memoryMib());
      Bin bin = bins.ceiling(probe);
      while (bin != null) {
        if (bin.freeMilliCpus < need.milliCpus()) {
          probe.set(bin.freeGpus, need.milliCpus(), need.memoryMib());
        } else if (bin.freeMemoryMib < need.memoryMib()) {
          probe.set(bin.freeGpus, bin.freeMilliCpus, need.memoryMib());
        } else {
          return bin;
        }
        bin = bins.ceiling(probe);
      }
      return null;
    }

    // ---- the floor

    void keepFloor() {
      Totals gap = new Totals();
      while (vcpus < floor) {
        gap.milliCpus = (floor - vcpus) * 1000;
        Choice choice = choose(Resources.ZERO, gap);
        if (choice.type() == null) {
          notes.add("Compute environment " + environment.name() + " holds " + vcpus + " vCPU, below its " + floorName() + " ("
              + floor + "): " + choice.refusal());
          return;
        }
        Type type = choice.type();
        long count = Math.min(ceilDiv(floor - vcpus, type.entry.vcpus()), affordable(type));
        forFloor.merge(type, (int) count, Integer::sum);
        vcpus += count * type.entry.vcpus();
        cost += count * Math.max(0, type.price);
      }
    }

    private String floorName() {
      return floor > environment.minvCpus() ? "desiredvCpus" : "minvCpus";
    }

    // ---- choosing types

    private record Choice(Type type, String refusal) {}

    /**
     * The type a new instance for {@code need} should have, given the remaining demand of its
     * kind; or why none can be launched now.
     */
    private Choice choose(Resources need, Totals remaining) {
      if (now < noLaunchBefore) {
        return new Choice(null, "the provider throttles launches until " + time(noLaunchBefore) + ".");
      }
      long room = max - vcpus;
      Type best = null;
      Type bestCooling = null;
      long soonest = Long.MAX_VALUE;
      boolean overMax = false;
      boolean overBudget = false;
      for (Type type : types) {
        if (!type.capacity.fits(need)) {
          continue;
        }
        if (type.entry.vcpus() > room) {
          overMax = true;
        } else if (capped && (type.price < 0 || cost + type.price > budget)) {
          overBudget = true;
        } else {
          if (type.coolingUntil == 0) {
            best = best == null || compare(type, best, remaining, room) < 0 ? type : best;
          } else {
            bestCooling = bestCooling == null || compare(type, bestCooling, remaining, room) < 0 ? type : bestCooling;
            soonest = Math.min(soonest, type.coolingUntil);
          }
        }
      }
      if (environment.allocationStrategy() == AllocationStrategy.BEST_FIT && bestCooling != null
          && (best == null || compare(bestCooling, best, remaining, room) < 0)) {
        return new Choice(null, "instance type " + bestCooling.entry.name() + " fits best, had a capacity error lately, and BEST_FIT"
            + " waits for it; it is tried again from " + time(bestCooling.coolingUntil) + ".");
      }
      if (best != null) {
        return new Choice(best, null);
      }
      if (bestCooling != null) {
        return new Choice(null, "every instance type that fits had a capacity error lately; the first is tried again from "
            + time(soonest) + ".");
      }
      String ce = "compute environment " + environment.name();
      if (overMax) {
        return new Choice(null, ce + " is at its maxvCpus (" + max + ").");
      }
      if (overBudget) {
        return new Choice(null, "another instance would take " + ce + " past its maxHourlyCost (" + usd(budget) + " USD/hour).");
      }
      return new Choice(null, ce + " allows no instance types.");
    }

    /**
     * Negative when {@code a} serves {@code remaining} better than {@code b}: fewer spare GPUs,
     * then (unless capacity-optimized) a known and lower cost, then fewer vCPUs, memory and
     * instances bought; then by name.
     */
    private int compare(Type a, Type b, Totals remaining, long room) {
      long forA = instancesToCover(a, remaining, room);
      long forB = instancesToCover(b, remaining, room);
      int byGpus = Long.compare(Math.max(0, forA * a.entry.gpus() - remaining.gpus), Math.max(0, forB * b.entry.gpus() - remaining.gpus));
      if (byGpus != 0) {
        return byGpus;
      }
      if (environment.allocationStrategy() != AllocationStrategy.SPOT_CAPACITY_OPTIMIZED) {
        int known = Boolean.compare(a.price < 0, b.price < 0);
        if (known != 0) {
          return known;
        }
        int byCost = Long.compare(Math.max(0, a.price) * forA, Math.max(0, b.price) * forB);
        if (byCost != 0) {
          return byCost;
        }
      }
      int byVcpus = Long.compare(forA * a.entry.vcpus(), forB * b.entry.vcpus());
      if (byVcpus != 0) {
        return byVcpus;
      }
      int byMemory = Long.compare(forA * a.entry.memoryMib(), forB * b.entry.memoryMib());
      if (byMemory != 0) {
        return byMemory;
      }
      int byCount = Long.compare(forA, forB);
      return byCount != 0 ? byCount : a.entry.name().compareTo(b.entry.name());
    }

    /** How many instances of the type would hold {@code remaining}, at least one and at most what {@code room} allows. */
    private static long instancesToCover(Type type, Totals remaining, long room) {
      long count = Math.max(ceilDiv(remaining.milliCpus, type.capacity.milliCpus()), ceilDiv(remaining.memoryMib, type.capacity.memoryMib()));
      if (type.entry.gpus() > 0) {
        count = Math.max(count, ceilDiv(remaining.gpus, type.entry.gpus()));
      }
      return Math.max(1, Math.min(count, room / type.entry.vcpus()));
    }

    /**
     * The launch's candidate types: {@code first}, then the allowed types that hold {@code load},
     * have no more vCPUs or GPUs than {@code first} (the same vCPUs when {@code sameSize}) and,
     * under a budget, a known price no higher; best first for {@code total}, types cooling down
     * after a capacity error last ({@code BEST_FIT}: left out).
     */
    private List<String> candidates(Type first, Resources load, Totals total, boolean sameSize) {
      List<Type> others = new ArrayList<>();
      for (Type type : types) {
        boolean smaller = type.entry.vcpus() <= first.entry.vcpus() && type.entry.gpus() <= first.entry.gpus()
            && (!sameSize || type.entry.vcpus() == first.entry.vcpus());
        boolean withinBudget = !capped || (type.price >= 0 && type.price <= first.price);
        boolean waitedFor = type.coolingUntil != 0 && environment.allocationStrategy() == AllocationStrategy.BEST_FIT;
        if (type != first && smaller && withinBudget && !waitedFor && type.capacity.fits(load)) {
          others.add(type);
        }
      }
      others.sort(Comparator.comparing((Type type) -> type.coolingUntil != 0)
          .thenComparing((a, b) -> compare(a, b, total, Long.MAX_VALUE)));
      List<String> names = new ArrayList<>(others.size() + 1);
      names.add(first.entry.name());
      others.forEach(type -> names.add(type.entry.name()));
      return names;
    }

    // ---- the plan

    CapacityPlan plan() {
      if (now < noLaunchBefore) {
        notes.add("The provider throttles launches until " + time(noLaunchBefore) + ": this plan launches nothing.");
      }
      for (Type type : types) {
        if (type.coolingUntil != 0) {
          notes.add("Instance type " + type.entry.name() + " had a capacity error lately: "
              + (environment.allocationStrategy() == AllocationStrategy.BEST_FIT ? "not launched" : "tried after the others")
              + " until " + time(type.coolingUntil) + ".");
        }
      }
      Map<Type, Group> forDemand = new LinkedHashMap<>();
      opened.forEach(bin -> forDemand.computeIfAbsent(bin.type, Group::new).add(bin));
      List<Launch> launches = new ArrayList<>();
      forDemand.values().forEach(group -> launches.add(new Launch(
          candidates(group.type, group.largest(), group.total, false), environment.lifecycle(), group.count,
          "for " + group.jobs + " waiting job(s) needing " + group.total.describe() + " in all")));
      Totals none = new Totals();
      forFloor.forEach((type, count) -> launches.add(new Launch(
          candidates(type, Resources.ZERO, none, true), environment.lifecycle(), count,
          "to keep compute environment " + environment.name() + " at its " + floorName() + " (" + floor + ")")));
      int desired = (int) Math.min(max, Math.max(floor, vcpus));
      return new CapacityPlan(launches, terminations, desired, unsatisfiable, deferred, notes);
    }

    private Totals totalsFor(Resources shape) {
      return shape.gpus() > 0 ? gpuDemand : otherDemand;
    }
  }

  /** An allowed instance type during a round. */
  private static final class Type {
    final InstanceType entry;
    final Resources capacity;
    /** Millionths of a USD per hour for the environment's lifecycle; -1 when unknown. */
    final long price;
    /** When its cool-down after a capacity error ends; 0 when it is not cooling down. */
    final long coolingUntil;

    Type(InstanceType entry, long price, long coolingUntil) {
      this.entry = entry;
      this.capacity = entry.capacity();
      this.price = price;
      this.coolingUntil = coolingUntil;
    }
  }

  /** An instance, pending or new, with what it has left for waiting jobs and what they load it with. */
  private static final class Bin {
    static final Comparator<Bin> BY_FREE = (a, b) -> {
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

    /** The type of a new instance; null for a pending one. */
    final Type type;
    final int sequence;
    int freeGpus;
    long freeMilliCpus;
    long freeMemoryMib;
    int jobs;
    final Totals load = new Totals();

    Bin(Type type, int sequence, Resources capacity) {
      this.type = type;
      this.sequence = sequence;
      set(capacity.gpus(), capacity.milliCpus(), capacity.memoryMib());
    }

    void set(int gpus, long milliCpus, long memoryMib) {
      freeGpus = gpus;
      freeMilliCpus = milliCpus;
      freeMemoryMib = memoryMib;
    }

    /** How many jobs of this shape it still has room for. */
    long room(Resources need) {
      long room = Long.MAX_VALUE;
      if (need.gpus() > 0) {
        room = freeGpus / need.gpus();
      }
      if (need.milliCpus() > 0) {
        room = Math.min(room, freeMilliCpus / need.milliCpus());
      }
      if (need.memoryMib() > 0) {
        room = Math.min(room, freeMemoryMib / need.memoryMib());
      }
      return room;
    }

    void take(Resources need, int count) {
      freeGpus -= need.gpus() * count;
      freeMilliCpus -= need.milliCpus() * count;
      freeMemoryMib -= need.memoryMib() * count;
      jobs += count;
      load.add(need, count);
    }
  }

  /** New instances of one type for waiting jobs: how many, for how many jobs, their load in all and the largest. */
  private static final class Group {
    final Type type;
    int count;
    int jobs;
    final Totals total = new Totals();
    long largestMilliCpus;
    long largestMemoryMib;
    long largestGpus;

    Group(Type type) {
      this.type = type;
    }

    void add(Bin bin) {
      count++;
      jobs += bin.jobs;
      total.milliCpus += bin.load.milliCpus;
      total.memoryMib += bin.load.memoryMib;
      total.gpus += bin.load.gpus;
      largestMilliCpus = Math.max(largestMilliCpus, bin.load.milliCpus);
      largestMemoryMib = Math.max(largestMemoryMib, bin.load.memoryMib);
      largestGpus = Math.max(largestGpus, bin.load.gpus);
    }

    /** What every candidate type must hold: the largest load of any of its instances, in each dimension. */
    Resources largest() {
      return new Resources(largestMilliCpus, largestMemoryMib, (int) largestGpus);
    }
  }

  /** A sum of resources that can grow past one host's. */
  private static final class Totals {
    long milliCpus;
    long memoryMib;
    long gpus;

    void add(Resources need, long count) {
      milliCpus += need.milliCpus() * count;
      memoryMib += need.memoryMib() * count;
      gpus += need.gpus() * count;
    }

    String describe() {
      return new Resources(milliCpus, memoryMib, (int) Math.min(Integer.MAX_VALUE, gpus)).describe();
    }
  }

  private static long ceilDiv(long amount, long per) {
    return amount / per + (amount % per == 0 ? 0 : 1);
  }

  private static long micros(Double usd) {
    return usd == null ? -1 : Math.round(usd * 1_000_000);
  }

  private static String usd(long micros) {
    return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
  }

  private static String time(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  private static String duration(long millis) {
    if (millis % 60_000 == 0) {
      return millis / 60_000 + " min";
    }
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
