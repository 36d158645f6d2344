package io.drover.controller;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * A Pekko Management readiness check: true while this controller's AWS Batch API listens. A
 * controller joins the cluster before it has created its schema and bound its port, so membership
 * alone would call it ready too early; it stops being ready when shutdown begins.
 */
public final class ApiReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  /** Per actor system: whether the API listens. */
  static final class Listening implements Extension {
    final AtomicBoolean listening = new AtomicBoolean();
  }

  static final ExtensionId<Listening> LISTENING = new ExtensionId<>() {
    @Override
    public Listening createExtension(ActorSystem<?> system) {
      return new Listening();
    }
  };

  private final Listening state;

  public ApiReadinessCheck(org.apache.pekko.actor.ActorSystem system) {
    this.state = Adapter.toTyped(system).registerExtension(LISTENING);
  }

  static void listening(ActorSystem<?> system, boolean value) {
    system.registerExtension(LISTENING).listening.set(value);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(state.listening.get());
  }
}
