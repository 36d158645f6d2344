package io.drover.capacity.ec2;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeSpotPriceHistoryRequest;
import software.amazon.awssdk.services.ec2.model.SpotPrice;

/**
 * Current Spot prices from EC2's Spot price history (DescribeSpotPriceHistory, every page): for each
 * instance type and Availability Zone, the Linux/UNIX price in effect now. What refreshes the
 * {@code drover.pricing.spot} table, whose defaults are only rough averages.
 */
public final class SpotPrices {

  /** What EC2 calls Linux instances in the price history. */
  static final String LINUX = "Linux/UNIX";

  /**
   * One instance type's Spot price in one Availability Zone.
   *
   * @param price USD per hour
   * @param since when EC2 set it
   */
  public record ZonePrice(String instanceType, String availabilityZone, BigDecimal price, Instant since) {}

  private final Ec2Client ec2;
  private final Executor executor;

  /** Uses {@code ec2} (which stays the caller's to close) and runs its blocking calls on {@code executor}. */
  public SpotPrices(Ec2Client ec2, Executor executor) {
    this.ec2 = ec2;
    this.executor = executor;
  }

  /**
   * The price in effect now of each of {@code instanceTypes} (every type, when empty) in each zone of
   * the client's region, ordered by type and zone. Fails with the SDK's exception when EC2 does not
   * answer or refuses (the caller's role needs {@code ec2:DescribeSpotPriceHistory}).
   */
  public CompletionStage<List<ZonePrice>> current(Collection<String> instanceTypes) {
    return CompletableFuture.supplyAsync(() -> at(instanceTypes, Instant.now()), executor);
  }

  /**
   * The prices in effect at {@code at}: asked for a range that starts and ends then, EC2 answers
   * with the last change before it for each type and zone (older ones too, over several pages).
   */
  List<ZonePrice> at(Collection<String> instanceTypes, Instant at) {
    DescribeSpotPriceHistoryRequest request = DescribeSpotPriceHistoryRequest.builder()
        .instanceTypesWithStrings(instanceTypes)
        .productDescriptions(LINUX)
        .startTime(at)
        .endTime(at)
        .build();
    Map<String, ZonePrice> latest = new TreeMap<>();
    for (SpotPrice entry : ec2.describeSpotPriceHistoryPaginator(request).spotPriceHistory()) {
      ZonePrice price = new ZonePrice(entry.instanceTypeAsString(), entry.availabilityZone(),
          new BigDecimal(entry.spotPrice()), entry.timestamp());
      latest.merge(price.instanceType() + "/" + price.availabilityZone(), price,
          (known, other) -> other.since().isAfter(known.since()) ? other : known);
    }
    return List.copyOf(latest.values());
  }
}
