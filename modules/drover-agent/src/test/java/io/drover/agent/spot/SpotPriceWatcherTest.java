package io.drover.agent.spot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.capacity.ec2.Ec2StandIn;
import io.drover.capacity.ec2.SpotPrices;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** A Spot host's price from EC2's Spot price history, in its own zone, through the real SDK and loopback stand-ins. */
class SpotPriceWatcherTest {

  private final ActorTestKit testKit = ActorTestKit.create();
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private final AtomicReference<String> zoneBPrice = new AtomicReference<>("0.0712");
  private ImdsStandIn imds;
  private InstanceMetadata metadata;
  private Ec2StandIn ec2;
  private Ec2Client client;

  @BeforeEach
  void start() throws Exception {
    imds = new ImdsStandIn();
    imds.availabilityZone("us-east-1b");
    metadata = new InstanceMetadata(imds.endpoint());
    ec2 = new Ec2StandIn();
    ec2.on("DescribeSpotPriceHistory", r -> Ec2StandIn.spotPriceHistory(null,
        Ec2StandIn.spotPrice("c5.xlarge", "us-east-1a", "0.0650", "2026-11-26T04:00:00.000Z"),
        Ec2StandIn.spotPrice("c5.xlarge", "us-east-1b", zoneBPrice.get(), "2026-11-26T04:00:00.000Z")));
    client = ec2.client(1);
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
    client.close();
    ec2.close();
    metadata.close();
    imds.close();
    blocking.shutdownNow();
  }

  @Test
  void readsItsZonesPriceAtStartAndTellsTheAgentWhenItChanges() {
    TestProbe<Double> agent = testKit.createTestProbe(Double.class);
    testKit.spawn(SpotPriceWatcher.create("c5.xlarge", metadata, new SpotPrices(client, blocking), blocking,
        Duration.ofMillis(300), agent.ref()));

    assertEquals(0.0712, agent.expectMessageClass(Double.class, Duration.ofSeconds(10)), "us-east-1b's price, not the lowest");
    Ec2StandIn.Request request = ec2.requests("DescribeSpotPriceHistory").get(0);
    assertEquals("c5.xlarge", request.get("InstanceType.1"));
    assertEquals("Linux/UNIX", request.get("ProductDescription.1"));
    agent.expectNoMessage(Duration.ofMillis(700));
    assertTrue(ec2.requests("DescribeSpotPriceHistory").size() > 1, "read again every interval");

    zoneBPrice.set("0.0801");
    assertEquals(0.0801, agent.expectMessageClass(Double.class, Duration.ofSeconds(5)));
  }
}
