package io.drover.capacity.ec2;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import software.amazon.awssdk.regions.Region;

/**
 * On-Demand prices of common instance types in a few regions ({@code on-demand-prices.properties} next
 * to this class), to turn a Spot compute environment's {@code bidPercentage} into a max price.
 */
final class OnDemandPrices {

  private static final Map<String, BigDecimal> PRICES = load();

  private OnDemandPrices() {}

  /** The On-Demand price in USD per hour, if listed. */
  static Optional<BigDecimal> price(Region region, String instanceType) {
    return Optional.ofNullable(PRICES.get(region.id() + "/" + instanceType));
  }

  /**
   * The Spot max price for this type: {@code bidPercentage} percent of its On-Demand price. Empty when
   * there is no percentage or no known price: EC2 then caps the price at On-Demand.
   */
  static Optional<String> maxSpotPrice(Region region, String instanceType, Integer bidPercentage) {
    if (bidPercentage == null) {
      return Optional.empty();
    }
    return price(region, instanceType).map(price -> price.multiply(BigDecimal.valueOf(bidPercentage))
        .divide(BigDecimal.valueOf(100), 5, RoundingMode.DOWN)
        .stripTrailingZeros()
        .toPlainString());
  }

  private static Map<String, BigDecimal> load() {
    Properties properties = new Properties();
    try (InputStream in = OnDemandPrices.class.getResourceAsStream("on-demand-prices.properties")) {
      if (in == null) {
        throw new IllegalStateException("on-demand-prices.properties is missing from the drover-capacity jar");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, BigDecimal> prices = new HashMap<>();
    properties.forEach((key, value) -> prices.put((String) key, new BigDecimal((String) value)));
    return Map.copyOf(prices);
  }
}
