package io.drover.controller.controlplane;

import io.drover.controller.controlplane.ControlPlaneEntity.Changed;
import io.drover.controller.controlplane.ControlPlaneEntity.Snapshot;
import io.drover.controller.controlplane.ControlPlaneEntity.Update;
import io.drover.core.controlplane.ControlPlaneState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * This node's copy of the control plane, kept current by subscribing to {@link ControlPlaneEntity}.
 * It re-subscribes periodically, so it follows the singleton when it moves, and asks for a fresh
 * snapshot when it sees a gap. Readers on this node ({@link ControlPlaneClient}) read the latest
 * snapshot without a message; local actors can {@link Listen} for changes.
 */
public final class ControlPlaneView {

  public interface Command {}

  /** Sends every new state to {@code listener}, starting with the current one. */
  public record Listen(ActorRef<ControlPlaneState> listener) implements Command {}

  private record Received(Update update) implements Command {}

  private record Resubscribe() implements Command {}

  private record ListenerTerminated(ActorRef<ControlPlaneState> listener) implements Command {}

  /** The latest snapshot, and who waits for a newer one. Shared with {@link ControlPlaneClient}. */
  static final class Shared {
    final AtomicReference<Snapshot> latest = new AtomicReference<>(new Snapshot(ControlPlaneState.EMPTY, -1));
    private final List<Waiter> waiters = new ArrayList<>();

    record Waiter(long sequenceNr, CompletableFuture<ControlPlaneState> future) {}

    /** Completes once this node has seen {@code sequenceNr}. */
    synchronized CompletableFuture<ControlPlaneState> await(long sequenceNr) {
      Snapshot current = latest.get();
      if (current.sequenceNr() >= sequenceNr) {
        return CompletableFuture.completedFuture(current.state());
      }
      CompletableFuture<ControlPlaneState> future = new CompletableFuture<>();
      waiters.add(new Waiter(sequenceNr, future));
      return future;
    }

    synchronized void publish(Snapshot snapshot) {
      latest.set(snapshot);
      waiters.removeIf(w -> {
        if (w.sequenceNr() <= snapshot.sequenceNr()) {
          w.future().complete(snapshot.state());
          return true;
        }
        return false;
      });
    }
  }

  static Behavior<Command> create(ActorRef<ControlPlaneEntity.Command> entity, Shared shared, Duration resubscribeEvery) {
    Behavior<Command> view = Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ControlPlaneView(ctx, timers, entity, shared, resubscribeEvery).behavior()));
    // Resume, not restart: its listeners are local actors that registered once.
    return Behaviors.supervise(view).onFailure(SupervisorStrategy.resume());
  }

  private final ActorContext<Command> context;
  private final ActorRef<ControlPlaneEntity.Command> entity;
  private final Shared shared;
  private final ActorRef<Update> updates;
  private final Set<ActorRef<ControlPlaneState>> listeners = new HashSet<>();

  private ControlPlaneView(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ControlPlaneEntity.Command> entity,
      Shared shared,
      Duration resubscribeEvery) {
    this.context = context;
    this.entity = entity;
    this.shared = shared;
    this.updates = context.messageAdapter(Update.class, Received::new);
    entity.tell(new ControlPlaneEntity.Subscribe(updates));
    timers.startTimerWithFixedDelay(new Resubscribe(), resubscribeEvery);
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Received.class, msg -> onUpdate(msg.update()))
        .onMessage(Resubscribe.class, msg -> {
          entity.tell(new ControlPlaneEntity.Subscribe(updates));
          return Behaviors.same();
        })
        .onMessage(Listen.class, msg -> {
          if (listeners.add(msg.listener())) {
            context.watchWith(msg.listener(), new ListenerTerminated(msg.listener()));
          }
          msg.listener().tell(shared.latest.get().state());
          return Behaviors.same();
        })
        .onMessage(ListenerTerminated.class, msg -> {
          listeners.remove(msg.listener());
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onUpdate(Update update) {
    Snapshot current = shared.latest.get();
    if (update instanceof Snapshot snapshot) {
      if (snapshot.sequenceNr() > current.sequenceNr()) {
        publish(snapshot);
      }
    } else if (update instanceof Changed changed) {
      if (changed.sequenceNr() == current.sequenceNr() + 1) {
        publish(new Snapshot(current.state().apply(changed.event()), changed.sequenceNr()));
      } else if (changed.sequenceNr() > current.sequenceNr()) {
        entity.tell(new ControlPlaneEntity.GetState(updates));
      }
    }
    return Behaviors.same();
  }

  private void publish(Snapshot snapshot) {
    shared.publish(snapshot);
    listeners.forEach(l -> l.tell(snapshot.state()));
  }
}
