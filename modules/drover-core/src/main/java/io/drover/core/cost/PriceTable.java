package io.drover.core.cost;

import java.util.Map;

/**
 * Hourly prices of EC2 instance types in USD, On-Demand and Spot ({@code drover.pricing}): what an
 * agent charges for its host when it is not given a price of its own, and what the same host would
 * cost On-Demand.
 */
public record PriceTable(Map<String, Double> onDemand, Map<String, Double> spot) {

  public PriceTable {
    onDemand = Map.copyOf(onDemand);
    spot = Map.copyOf(spot);
    onDemand.forEach(PriceTable::checkPrice);
    spot.forEach(PriceTable::checkPrice);
  }

  private static void checkPrice(String instanceType, Double price) {
    if (!(price >= 0) || price.isInfinite()) {
      throw new IllegalArgumentException("The price of " + instanceType + " is " + price
          + "; prices are USD per hour, 0 or more.");
    }
  }

  /**
   * A host's prices.
   *
   * @param instanceType its EC2 instance type; null when unknown
   * @param spot whether it is a Spot instance
   * @param configured the price it was given (USD per hour), which wins over the table; null for none
   */
  public HostPrices pricesOf(String instanceType, boolean spot, Double configured) {
    Double hourly = configured != null ? configured : lookUp(spot ? this.spot : onDemand, instanceType);
    Double onDemandHourly = spot ? lookUp(onDemand, instanceType) : hourly;
    return new HostPrices(hourly, onDemandHourly);
  }

  private static Double lookUp(Map<String, Double> prices, String instanceType) {
    return instanceType == null ? null : prices.get(instanceType);
  }

  /**
   * What a host costs per hour, and what it would cost On-Demand (the same for an On-Demand host);
   * each null when unknown.
   */
  public record HostPrices(Double hourly, Double onDemandHourly) {}
}
