package io.drover.controller;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An actor that acts on changes through a {@link Coalescer} and tells a probe each time it acts. */
@ExtendWith(TestKitJUnit5Extension.class)
class CoalescerTest {

  @JUnit5TestKit
  final ActorTestKit testKit = ActorTestKit.create();

  private sealed interface Message {}

  private record Changed() implements Message {}

  private record Act() implements Message {}

  private static Behavior<Message> acting(Duration interval, ActorRef<String> acted) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Coalescer<Message> coalescer = new Coalescer<>(timers, ctx.getSelf(), new Act(), interval);
      return Behaviors.receive(Message.class)
          .onMessage(Changed.class, msg -> {
            coalescer.request();
            return Behaviors.same();
          })
          .onMessage(Act.class, msg -> {
            coalescer.running();
            acted.tell("acted");
            return Behaviors.same();
          })
          .build();
    }));
  }

  @Test
  void theFirstChangeIsActedOnWithoutWaitingForTheInterval() {
    TestProbe<String> acted = testKit.createTestProbe();
    ActorRef<Message> actor = testKit.spawn(acting(Duration.ofMinutes(10), acted.getRef()));
    actor.tell(new Changed());
    acted.expectMessage(Duration.ofSeconds(5), "acted");
    actor.tell(new Changed());
    actor.tell(new Changed());
    acted.expectNoMessage(Duration.ofMillis(500));
  }

  @Test
  void changesWithinTheIntervalAreActedOnOnceWhenItIsOver() {
    TestProbe<String> acted = testKit.createTestProbe();
    ActorRef<Message> actor = testKit.spawn(acting(Duration.ofSeconds(1), acted.getRef()));
    actor.tell(new Changed());
    acted.expectMessage(Duration.ofSeconds(5), "acted");
    for (int i = 0; i < 10; i++) {
      actor.tell(new Changed());
    }
    acted.expectMessage(Duration.ofSeconds(5), "acted");
    acted.expectNoMessage(Duration.ofMillis(1500));
  }
}
