package io.drover.protocol;

import io.drover.protocol.JobProtocol.JobCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node reaches job entities. A controller hosts them, so it tells its own shard region. A
 * node without the controller role (an agent, a fleet of simulated agents) sends each message to a
 * controller's job gateway ({@link JobProtocol#GATEWAY}): to the gateway of the controller it names
 * (the one that launched the attempt the message is about, which hosts the job unless the job has
 * moved since), or, when it names none or that one is not reachable, to one of the reachable
 * gateways chosen by the job id, the same one for the same job. Until it has heard of a gateway,
 * for at most {@code drover.node.job-gateway-wait} after it is Up, it holds its messages; if none
 * is listed by then (during a rolling upgrade, controllers of a Drover from before gateways) it
 * falls back to a sharding proxy of its own, as such nodes had before, and uses it while no
 * gateway is listed.
 *
 * <p>Why not a proxy on every node: the job shards' coordinator keeps every shard region and proxy
 * in its state, and on each change writes all of that state to every controller, one change at a
 * time, while requests for shards without a home wait. With a proxy per worker host, every host
 * that joins or leaves is such a write, and every one makes each later write larger: thousands of
 * hosts joining, or Spot hosts reclaimed by the hundred, would hold up new jobs for minutes. The
 * wait keeps a node whose first report comes before the receptionist has told it of any gateway
 * (just after it joined) from taking such a proxy for the rest of its life.
 */
public final class JobRoutes implements Extension {

  private static final Logger log = LoggerFactory.getLogger(JobRoutes.class);

  /** Messages held while waiting for a gateway; beyond it they are dropped, and their senders resend. */
  private static final int HELD_LIMIT = 10_000;

  public static final ExtensionId<JobRoutes> ID = new ExtensionId<>() {
    @Override
    public JobRoutes createExtension(ActorSystem<?> system) {
      return new JobRoutes(system);
    }
  };

  /** This node's routes; the first call on a node without the controller role starts following the gateways. */
  public static JobRoutes get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private interface Event {}

  private record Listed(Receptionist.Listing listing) implements Event {}

  private record Up() implements Event {}

  private record WaitOver() implements Event {}

  private record Held(JobCommand command, Address near) implements Event {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final boolean controller;
  /** The reachable gateways, in a fixed order so that a job keeps its gateway. */
  private volatile List<ActorRef<JobCommand>> gateways = List.of();
  /** No gateway has been listed yet, and the wait for one is not over: messages are held. */
  private volatile boolean waiting = true;
  private volatile boolean proxyStarted;
  private final ActorRef<Event> follower;

  private JobRoutes(ActorSystem<?> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.controller = Cluster.get(system).selfMember().hasRole(Roles.CONTROLLER);
    this.follower = controller ? null : system.systemActorOf(
        follow(system.settings().config().getDuration("drover.node.job-gateway-wait")), "job-gateways", Props.empty());
  }

  /** Sends {@code command} to its job, at most once: callers that need it delivered resend until answered. */
  public void tell(JobCommand command) {
    tell(command, null);
  }

  /**
   * Sends {@code command} to its job through the gateway of the controller at {@code near} while
   * that one is reachable (so that it needs no further hop when the job is there), as {@link
   * #tell(JobCommand)} otherwise.
   */
  public void tell(JobCommand command, Address near) {
    if (!controller) {
      List<ActorRef<JobCommand>> known = gateways;
      if (!known.isEmpty()) {
        gateway(known, command.jobId(), near).tell(command);
        return;
      }
      if (waiting) {
        follower.tell(new Held(command, near));
        return;
      }
      startProxy();
    }
    sharding.entityRefFor(JobProtocol.JOB, command.jobId()).tell(command);
  }

  private static ActorRef<JobCommand> gateway(List<ActorRef<JobCommand>> known, String jobId, Address near) {
    if (near != null) {
      for (ActorRef<JobCommand> gateway : known) {
        if (gateway.path().address().equals(near)) {
          return gateway;
        }
      }
    }
    return known.get(Math.floorMod(jobId.hashCode(), known.size()));
  }

  /** The gateways this node sends through now, in order. */
  List<ActorRef<JobCommand>> gateways() {
    return gateways;
  }

  /**
   * Follows the gateways the receptionist lists, and holds the messages sent before the first one
   * is listed, for at most {@code wait} after this node is Up; then sends them on.
   */
  private Behavior<Event> follow(Duration wait) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().receptionist().tell(
          Receptionist.subscribe(JobProtocol.GATEWAY, ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
      Cluster.get(ctx.getSystem()).subscriptions()
          .tell(Subscribe.create(ctx.messageAdapter(SelfUp.class, up -> new Up()), SelfUp.class));
      return new Follower(timers, wait).behavior();
    }));
  }

  /** The state of {@link #follow}: what it holds while {@link #waiting}. */
  private final class Follower {
    private final TimerScheduler<Event> timers;
    private final Duration wait;
    private final List<Held> held = new ArrayList<>();
    private int dropped;

    Follower(TimerScheduler<Event> timers, Duration wait) {
      this.timers = timers;
      this.wait = wait;
    }

    Behavior<Event> behavior() {
      return Behaviors.receive(Event.class)
          .onMessage(Listed.class, msg -> {
            gateways = msg.listing().getServiceInstances(JobProtocol.GATEWAY).stream()
                .sorted(Comparator.comparing(gateway -> gateway.path().toString()))
                .toList();
            if (waiting && !gateways.isEmpty()) {
              sendHeld();
            }
            return Behaviors.same();
          })
          .onMessage(Up.class, msg -> {
            if (waiting) {
              timers.startSingleTimer(new WaitOver(), wait);
            }
            return Behaviors.same();
          })
          .onMessage(WaitOver.class, msg -> {
            sendHeld();
            return Behaviors.same();
          })
          .onMessage(Held.class, msg -> {
            if (!waiting) {
              tell(msg.command(), msg.near());
            } else if (held.size() < HELD_LIMIT) {
              held.add(msg);
            } else {
              dropped++;
            }
            return Behaviors.same();
          })
          .build();
    }

    private void sendHeld() {
      waiting = false;
      timers.cancelAll();
      held.forEach(message -> tell(message.command(), message.near()));
      held.clear();
      if (dropped > 0) {
        log.warn("{} messages to jobs were dropped while this node waited for a controller's job gateway, beyond the "
            + "{} it holds; their senders resend them", dropped, HELD_LIMIT);
      }
    }
  }

  private void startProxy() {
    if (proxyStarted) {
      return;
    }
    synchronized (this) {
      if (!proxyStarted) {
        log.info("No reachable controller offers a job gateway (controllers of an older Drover, during a rolling "
            + "upgrade, or none reachable): this node starts a sharding proxy for jobs and uses it while no gateway "
            + "is listed. The proxy stays registered with the job shards' coordinator until this node restarts.");
        JobProtocol.initProxy(system);
        proxyStarted = true;
      }
    }
  }
}
