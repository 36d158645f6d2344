package io.drover.agent.spot;

import io.drover.protocol.SchedulerProtocol.SpotNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Reads the instance metadata service every poll interval and tells the agent, once each, of a Spot
 * interruption notice and of a rebalance recommendation. One read at a time, on the agent's
 * blocking executor; a failed read is logged (once per distinct error) and the next one is tried.
 */
public final class SpotNoticeWatcher {

  public interface Command {}

  private record Poll() implements Command {}

  private record Polled(Optional<InstanceMetadata.InstanceAction> action, Optional<Instant> rebalance, Throwable error)
      implements Command {}

  public static Behavior<Command> create(
      InstanceMetadata metadata, Executor blocking, Duration interval, ActorRef<SpotNotice> agent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Poll(), interval);
      ctx.getLog().info("Watching the instance metadata service for Spot interruption notices every {} ms",
          interval.toMillis());
      return new SpotNoticeWatcher(metadata, blocking, agent, ctx).idle();
    }));
  }

  private final InstanceMetadata metadata;
  private final Executor blocking;
  private final ActorRef<SpotNotice> agent;
  private final ActorContext<Command> context;
  private boolean interruptionReported;
  private boolean rebalanceReported;
  private String lastError;

  private SpotNoticeWatcher(InstanceMetadata metadata, Executor blocking, ActorRef<SpotNotice> agent,
      ActorContext<Command> context) {
    this.metadata = metadata;
    this.blocking = blocking;
    this.agent = agent;
    this.context = context;
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Poll.class, msg -> {
          context.pipeToSelf(CompletableFuture.supplyAsync(
                  () -> new Polled(metadata.instanceAction(), metadata.rebalanceRecommendation(), null), blocking),
              (polled, error) -> polled != null ? polled : new Polled(Optional.empty(), Optional.empty(), error));
          return reading();
        })
        .onMessage(Polled.class, this::onPolled)
        .build();
  }

  /** A read is in flight: further ticks are dropped, so reads never pile up behind a slow IMDS. */
  private Behavior<Command> reading() {
    return Behaviors.receive(Command.class)
        .onMessage(Poll.class, msg -> Behaviors.same())
        .onMessage(Polled.class, this::onPolled)
        .build();
  }

  private Behavior<Command> onPolled(Polled polled) {
    if (polled.error() != null) {
      String error = polled.error().getCause() != null ? polled.error().getCause().toString() : polled.error().toString();
      if (!error.equals(lastError)) {
        context.getLog().warn("Cannot read Spot notices from the instance metadata service ({}); trying again. Check "
            + "that IMDSv2 is enabled on this instance (metadata options HttpEndpoint=enabled) or set "
            + "drover.agent.spot.watch = off (DROVER_SPOT_WATCH) on hosts that are not Spot instances.", error);
        lastError = error;
      }
      return idle();
    }
    lastError = null;
    long now = System.currentTimeMillis();
    if (!interruptionReported && polled.action().isPresent()) {
      interruptionReported = true;
      InstanceMetadata.InstanceAction action = polled.action().get();
      context.getLog().warn("Spot interruption notice: EC2 will {} this instance at {}", action.action(), action.time());
      agent.tell(new SpotNotice(SpotNotice.INTERRUPTION, now, action.time().toEpochMilli()));
    }
    if (!rebalanceReported && polled.rebalance().isPresent()) {
      rebalanceReported = true;
      context.getLog().info("EC2 recommends rebalancing away from this Spot instance (notice at {})", polled.rebalance().get());
      agent.tell(new SpotNotice(SpotNotice.REBALANCE, now, null));
    }
    return idle();
  }
}
