package io.drover.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pekko runs the checker on join: real cluster members in this JVM, talking over Artery. */
class JoinRefusalTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<ActorSystem<Void>> started = new ArrayList<>();

  private ActorSystem<Void> node(String settings) {
    Config config = ConfigFactory.parseString(settings + """

        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.enabled = off
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "drover", config);
    started.add(system);
    return system;
  }

  @AfterEach
  void stopNewestFirst() throws Exception {
    Collections.reverse(started);
    for (ActorSystem<Void> system : started) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void aNodeWithAnotherRegionIsRefusedAndStopsWhileALikeNodeJoins() throws Exception {
    ActorSystem<Void> first = node("");
    Address firstAddress = Cluster.get(first).selfMember().address();
    Cluster.get(first).manager().tell(Join.create(firstAddress));
    awaitTrue(() -> Cluster.get(first).selfMember().status().equals(MemberStatus.up()));

    ActorSystem<Void> like = node("");
    Cluster.get(like).manager().tell(new JoinSeedNodes(List.of(firstAddress)));
    ActorSystem<Void> otherRegion = node("drover.aws.region = \"eu-west-1\"");
    Cluster.get(otherRegion).manager().tell(new JoinSeedNodes(List.of(firstAddress)));

    otherRegion.getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitTrue(() -> Cluster.get(like).selfMember().status().equals(MemberStatus.up()));
    assertEquals(Set.of(firstAddress, Cluster.get(like).selfMember().address()), members(first));
  }

  @Test
  void anAgentWithAnotherNumberOfShardsJoinsWhileAControllerWithItIsRefused() throws Exception {
    ActorSystem<Void> first = node("pekko.cluster.roles = [controller]\npekko.cluster.sharding.number-of-shards = 100");
    Address firstAddress = Cluster.get(first).selfMember().address();
    Cluster.get(first).manager().tell(Join.create(firstAddress));
    awaitTrue(() -> Cluster.get(first).selfMember().status().equals(MemberStatus.up()));

    ActorSystem<Void> agent = node("pekko.cluster.roles = [agent]");
    Cluster.get(agent).manager().tell(new JoinSeedNodes(List.of(firstAddress)));
    ActorSystem<Void> controller = node("pekko.cluster.roles = [controller]");
    Cluster.get(controller).manager().tell(new JoinSeedNodes(List.of(firstAddress)));

    controller.getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitTrue(() -> Cluster.get(agent).selfMember().status().equals(MemberStatus.up()));
    assertEquals(Set.of(firstAddress, Cluster.get(agent).selfMember().address()), members(first));
  }

  private static Set<Address> members(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .map(Member::address)
        .collect(Collectors.toSet());
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not true within " + WAIT.toSeconds() + " s.");
      }
      Thread.sleep(100);
    }
  }
}
