package io.drover.capacity.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class OnDemandPricesTest {

  @Test
  void listsCommonTypesPerRegion() {
    assertEquals(Optional.of(new BigDecimal("0.096")), OnDemandPrices.price(Region.US_EAST_1, "m5.large"));
    assertEquals(Optional.of(new BigDecimal("4.08")), OnDemandPrices.price(Region.US_EAST_1, "c5.24xlarge"));
    assertEquals(Optional.of(new BigDecimal("0.107")), OnDemandPrices.price(Region.EU_WEST_1, "m5.large"));
    assertEquals(Optional.empty(), OnDemandPrices.price(Region.AP_SOUTHEAST_2, "m5.large"));
    assertEquals(Optional.empty(), OnDemandPrices.price(Region.US_EAST_1, "p4d.24xlarge"));
  }

  @Test
  void theSpotMaxPriceIsTheBidPercentageOfTheOnDemandPrice() {
    assertEquals(Optional.of("0.0576"), OnDemandPrices.maxSpotPrice(Region.US_EAST_1, "m5.large", 60));
    assertEquals(Optional.of("0.096"), OnDemandPrices.maxSpotPrice(Region.US_EAST_1, "m5.large", 100));
    assertEquals(Optional.of("0.00005"), OnDemandPrices.maxSpotPrice(Region.US_EAST_1, "t3.nano", 1));
    assertEquals(Optional.empty(), OnDemandPrices.maxSpotPrice(Region.US_EAST_1, "m5.large", null));
    assertEquals(Optional.empty(), OnDemandPrices.maxSpotPrice(Region.AP_SOUTHEAST_2, "m5.large", 60));
  }
}
