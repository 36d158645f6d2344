package io.drover.controller.controlplane;

import io.drover.controller.controlplane.ControlPlaneEntity.Applied;
import io.drover.controller.controlplane.ControlPlaneEntity.Snapshot;
import io.drover.core.ClientError;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.controlplane.ControlPlaneState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * How this node reads and changes the control plane. Reads come from the local
 * {@link ControlPlaneView}; changes go to the singleton, and complete once this node's view has
 * them, so a caller always reads its own writes.
 */
public final class ControlPlaneClient {

  private final ActorSystem<?> system;
  private final ActorRef<ControlPlaneEntity.Command> entity;
  private final ControlPlaneView.Shared shared;
  private final ActorRef<ControlPlaneView.Command> view;
  private final ControlPlaneRules rules;
  private final Duration askTimeout;

  private ControlPlaneClient(
      ActorSystem<?> system,
      ActorRef<ControlPlaneEntity.Command> entity,
      ControlPlaneView.Shared shared,
      ActorRef<ControlPlaneView.Command> view,
      ControlPlaneRules rules,
      Duration askTimeout) {
    this.system = system;
    this.entity = entity;
    this.shared = shared;
    this.view = view;
    this.rules = rules;
    this.askTimeout = askTimeout;
  }

  /**
   * Starts the control-plane singleton (it runs on one controller) and this node's view of it.
   * Call once per node that needs the control plane.
   */
  public static ControlPlaneClient start(ActorSystem<?> system, ControlPlaneRules rules, Duration askTimeout) {
    ActorRef<ControlPlaneEntity.Command> entity = ControlPlaneEntity.init(system, rules);
    ControlPlaneView.Shared shared = new ControlPlaneView.Shared();
    ActorRef<ControlPlaneView.Command> view =
        system.systemActorOf(ControlPlaneView.create(entity, shared, Duration.ofSeconds(5)), "control-plane-view",
            Props.empty());
    return new ControlPlaneClient(system, entity, shared, view, rules, askTimeout);
  }

  public ControlPlaneRules rules() {
    return rules;
  }

  /** This node's latest copy; may trail the singleton by a few milliseconds. */
  public ControlPlaneState state() {
    return shared.latest.get().state();
  }

  /** Completes once this node has received the control plane's state for the first time. */
  public CompletionStage<ControlPlaneState> ready() {
    return shared.await(0);
  }

  /** Registers a local actor for every new state. */
  public void listen(ActorRef<ControlPlaneState> listener) {
    view.tell(new ControlPlaneView.Listen(listener));
  }

  /** Applies a request; fails with {@link ClientError} when the rules reject it. */
  public CompletionStage<ControlPlaneEvent> execute(ControlPlaneRequest request) {
    CompletionStage<Applied> applied = AskPattern.<ControlPlaneEntity.Command, Applied>askWithStatus(
            entity, replyTo -> new ControlPlaneEntity.Execute(request, replyTo), askTimeout, system.scheduler())
        .exceptionally(e -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof StatusReply.ErrorMessage error) {
            throw new ClientError(error.getMessage());
          }
          throw new ControlPlaneUnavailable(askTimeout, cause);
        });
    return applied.thenCompose(a -> shared.await(a.sequenceNr())
        .completeOnTimeout(null, askTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(ignored -> a.event()));
  }

  /**
   * Evaluates {@code read} against this node's copy; if that fails with a {@link ClientError}
   * (say, a queue created a moment ago on another node), evaluates it once more against the
   * singleton's current state before reporting the error.
   */
  public <T> CompletionStage<T> read(Function<ControlPlaneState, T> read) {
    try {
      return CompletableFuture.completedFuture(read.apply(state()));
    } catch (ClientError e) {
      return fresh().thenApply(read);
    }
  }

  private CompletionStage<ControlPlaneState> fresh() {
    return AskPattern.<ControlPlaneEntity.Command, ControlPlaneEntity.Update>ask(
            entity, ControlPlaneEntity.GetState::new, askTimeout, system.scheduler())
        .thenApply(update -> ((Snapshot) update).state());
  }

  /** The control-plane singleton did not answer in time. */
  public static final class ControlPlaneUnavailable extends RuntimeException {
    ControlPlaneUnavailable(Duration timeout, Throwable cause) {
      super("The control plane did not answer within " + timeout.toSeconds()
          + " s; it may be moving to another controller. Retry the request.", cause);
    }
  }
}
