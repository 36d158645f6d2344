package io.drover.agent.spot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.protocol.SchedulerProtocol.SpotNotice;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpotNoticeWatcherTest {

  private final ActorTestKit testKit = ActorTestKit.create();
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private ImdsStandIn imds;
  private InstanceMetadata metadata;

  @BeforeEach
  void start() throws Exception {
    imds = new ImdsStandIn();
    metadata = new InstanceMetadata(imds.endpoint());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
    metadata.close();
    imds.close();
    blocking.shutdownNow();
  }

  @Test
  void readsNoticesWithAnImdsV2SessionTokenAndSeesNoneWhenThereAreNone() {
    assertEquals(Optional.empty(), metadata.instanceAction());
    assertEquals(Optional.empty(), metadata.rebalanceRecommendation());

    Instant at = Instant.parse("2026-11-26T08:22:00Z");
    imds.interruptAt(at);
    imds.recommendRebalance(Instant.parse("2026-11-26T08:10:00Z"));

    assertEquals(Optional.of(new InstanceMetadata.InstanceAction("terminate", at)), metadata.instanceAction());
    assertEquals(Optional.of(Instant.parse("2026-11-26T08:10:00Z")), metadata.rebalanceRecommendation());
    assertEquals(new ImdsStandIn.Request("PUT", "/latest/api/token", false), imds.requests().get(0));
    assertTrue(imds.requests().stream().filter(r -> r.method().equals("GET")).allMatch(ImdsStandIn.Request::withToken),
        "every read carries the session token: " + imds.requests());
  }

  @Test
  void tellsTheAgentOnceOfARebalanceRecommendationAndOnceOfAnInterruption() {
    TestProbe<SpotNotice> agent = testKit.createTestProbe(SpotNotice.class);
    testKit.spawn(SpotNoticeWatcher.create(metadata, blocking, Duration.ofMillis(100), agent.ref()));
    agent.expectNoMessage(Duration.ofMillis(400));

    imds.recommendRebalance(Instant.now());
    SpotNotice rebalance = agent.expectMessageClass(SpotNotice.class, Duration.ofSeconds(5));
    assertEquals(SpotNotice.REBALANCE, rebalance.kind());
    assertNull(rebalance.actionAt());

    Instant at = Instant.now().plus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    imds.interruptAt(at);
    SpotNotice interruption = agent.expectMessageClass(SpotNotice.class, Duration.ofSeconds(5));
    assertTrue(interruption.interruption());
    assertEquals(at.toEpochMilli(), interruption.actionAt());
    agent.expectNoMessage(Duration.ofMillis(500));
  }

  @Test
  void keepsWatchingThroughFailedReads() {
    TestProbe<SpotNotice> agent = testKit.createTestProbe(SpotNotice.class);
    imds.failing(true);
    imds.interruptAt(Instant.now().plus(2, ChronoUnit.MINUTES));
    testKit.spawn(SpotNoticeWatcher.create(metadata, blocking, Duration.ofMillis(100), agent.ref()));
    agent.expectNoMessage(Duration.ofSeconds(1));

    imds.failing(false);
    assertTrue(agent.expectMessageClass(SpotNotice.class, Duration.ofSeconds(5)).interruption());
  }
}
