package io.drover.core.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.cost.PriceTable.HostPrices;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {

  private static final PriceTable TABLE = new PriceTable(
      Map.of("c5.xlarge", 0.17, "m5.large", 0.096), Map.of("c5.xlarge", 0.068));

  @Test
  void anOnDemandHostCostsItsOnDemandPriceAndSavesNothing() {
    assertEquals(new HostPrices(0.17, 0.17), TABLE.pricesOf("c5.xlarge", false, null));
  }

  @Test
  void aSpotHostCostsItsSpotPriceComparedWithOnDemand() {
    assertEquals(new HostPrices(0.068, 0.17), TABLE.pricesOf("c5.xlarge", true, null));
  }

  @Test
  void aConfiguredPriceWinsOverTheTable() {
    assertEquals(new HostPrices(0.05, 0.17), TABLE.pricesOf("c5.xlarge", true, 0.05));
    assertEquals(new HostPrices(0.15, 0.15), TABLE.pricesOf("c5.xlarge", false, 0.15),
        "an On-Demand host's own price is what the same work costs On-Demand");
  }

  @Test
  void unknownTypesAndUnknownSpotPricesAreUnknownNotGuessed() {
    assertEquals(new HostPrices(null, 0.096), TABLE.pricesOf("m5.large", true, null),
        "no Spot price listed: the On-Demand price is not taken for it");
    assertEquals(new HostPrices(null, null), TABLE.pricesOf("x9.huge", false, null));
    assertEquals(new HostPrices(null, null), TABLE.pricesOf(null, true, null));
    assertEquals(new HostPrices(0.2, null), TABLE.pricesOf(null, true, 0.2));
  }

  @Test
  void negativePricesAreRefusedNamingTheType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PriceTable(Map.of("c5.large", -0.1), Map.of()));
    assertTrue(e.getMessage().contains("c5.large"), e.getMessage());
  }
}
