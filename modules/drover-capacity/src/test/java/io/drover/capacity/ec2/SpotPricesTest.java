package io.drover.capacity.ec2;

import static io.drover.capacity.ec2.Ec2StandIn.error;
import static io.drover.capacity.ec2.Ec2StandIn.spotPrice;
import static io.drover.capacity.ec2.Ec2StandIn.spotPriceHistory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.capacity.ec2.Ec2StandIn.Request;
import io.drover.capacity.ec2.SpotPrices.ZonePrice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** The real SDK client against the EC2 stand-in on 127.0.0.1. */
class SpotPricesTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private Ec2StandIn ec2;
  private Ec2Client client;
  private ExecutorService blocking;
  private SpotPrices prices;

  @BeforeEach
  void start() throws Exception {
    ec2 = new Ec2StandIn();
    client = ec2.client(1);
    blocking = Executors.newSingleThreadExecutor();
    prices = new SpotPrices(client, blocking);
  }

  @AfterEach
  void stop() {
    client.close();
    ec2.close();
    blocking.shutdownNow();
  }

  @Test
  void readsEveryPageAndKeepsTheLatestPricePerTypeAndZone() {
    ec2.on("DescribeSpotPriceHistory", request -> request.get("NextToken") == null
        ? spotPriceHistory("page-2",
            spotPrice("c5.xlarge", "us-east-1a", "0.071200", "2025-03-01T11:20:00.000Z"),
            spotPrice("c5.xlarge", "us-east-1b", "0.066900", "2025-03-01T09:05:00.000Z"),
            spotPrice("c5.xlarge", "us-east-1a", "0.069000", "2025-03-01T08:00:00.000Z"))
        : spotPriceHistory(null,
            spotPrice("m5.large", "us-east-1a", "0.038400", "2025-02-28T23:59:00.000Z"),
            spotPrice("c5.xlarge", "us-east-1b", "0.065000", "2025-03-01T10:30:00.000Z")));

    List<ZonePrice> current = prices.at(List.of("c5.xlarge", "m5.large"), NOW);

    assertEquals(List.of(
        new ZonePrice("c5.xlarge", "us-east-1a", new BigDecimal("0.071200"), Instant.parse("2025-03-01T11:20:00Z")),
        new ZonePrice("c5.xlarge", "us-east-1b", new BigDecimal("0.065000"), Instant.parse("2025-03-01T10:30:00Z")),
        new ZonePrice("m5.large", "us-east-1a", new BigDecimal("0.038400"), Instant.parse("2025-02-28T23:59:00Z"))),
        current, "the newest entry of each type and zone, whichever page it was on");
    List<Request> requests = ec2.requests("DescribeSpotPriceHistory");
    assertEquals(2, requests.size(), "until EC2 answers without a next token (an empty one, as EC2 sends)");
    Request first = requests.get(0);
    assertEquals(Map.of("1", "c5.xlarge", "2", "m5.large"), first.under("InstanceType."));
    assertEquals(Map.of("1", "Linux/UNIX"), first.under("ProductDescription."));
    assertEquals(NOW, Instant.parse(first.get("StartTime")));
    assertEquals(NOW, Instant.parse(first.get("EndTime")), "a range of one instant: the prices in effect then");
    assertNull(first.get("NextToken"));
    assertEquals("page-2", requests.get(1).get("NextToken"));
  }

  @Test
  void aRefusalFailsTheStageWithEc2sError() {
    ec2.on("DescribeSpotPriceHistory", request -> error(403, "UnauthorizedOperation",
        "You are not authorized to perform this operation."));

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> prices.current(List.of("c5.xlarge")).toCompletableFuture().get(30, TimeUnit.SECONDS));

    Ec2Exception e = assertInstanceOf(Ec2Exception.class, failure.getCause());
    assertEquals("UnauthorizedOperation", e.awsErrorDetails().errorCode());
  }
}
