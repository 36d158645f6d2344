package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.core.cost.PriceTable.HostPrices;
import org.junit.jupiter.api.Test;

/** How an agent comes by its instance type and prices. */
class AgentSettingsTest {

  private static AgentSettings settings(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return AgentSettings.from(config);
  }

  @Test
  void aHostWithoutATypeOrPriceHasNone() {
    AgentSettings settings = settings("");
    assertNull(settings.instanceType());
    assertEquals(new HostPrices(null, null), settings.prices());
  }

  @Test
  void aListedTypeTakesItsPricesFromTheTableByLifecycle() {
    assertEquals(new HostPrices(0.17, 0.17), settings("drover.agent.instance-type = c5.xlarge").prices());
    assertEquals(new HostPrices(0.068, 0.17),
        settings("drover.agent { instance-type = c5.xlarge, lifecycle = spot }").prices());
  }

  @Test
  void aConfiguredPriceOrTableEntryWinsOverTheDefaults() {
    assertEquals(new HostPrices(0.05, 0.17),
        settings("drover.agent { instance-type = c5.xlarge, lifecycle = spot, hourly-price = \"0.05\" }").prices());
    assertEquals(new HostPrices(0.071, 0.17),
        settings("drover.agent { instance-type = c5.xlarge, lifecycle = spot }\n"
            + "drover.pricing.spot.\"c5.xlarge\" = 0.071").prices());
    assertEquals(new HostPrices(1.5, 2.0),
        settings("drover.agent { instance-type = x9.mine, lifecycle = spot, hourly-price = 1.5 }\n"
            + "drover.pricing.on-demand.\"x9.mine\" = 2").prices(), "a type the defaults do not list");
  }

  @Test
  void aPriceThatIsNotAnAmountIsRefusedNamingTheSetting() {
    for (String price : new String[] {"cheap", "-1", "Infinity"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> settings("drover.agent.hourly-price = \"" + price + "\""));
      assertTrue(e.getMessage().contains("drover.agent.hourly-price") && e.getMessage().contains("DROVER_HOURLY_PRICE"),
          e.getMessage());
    }
  }
}
