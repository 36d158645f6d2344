package io.drover.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import io.drover.core.cost.PriceTable;
import java.util.HashMap;
import java.util.Map;

/** The {@code drover.pricing} table (reference.conf), which agents and the capacity manager both read. */
public final class Pricing {

  private Pricing() {}

  public static PriceTable table(Config root) {
    Config pricing = root.getConfig("drover.pricing");
    return new PriceTable(prices(pricing.getObject("on-demand")), prices(pricing.getObject("spot")));
  }

  /** Instance types name their entries ({@code "c5.xlarge" = 0.17}): each is one key, dots and all. */
  private static Map<String, Double> prices(ConfigObject table) {
    Config config = table.toConfig();
    Map<String, Double> prices = new HashMap<>();
    table.keySet().forEach(type -> prices.put(type, config.getDouble(ConfigUtil.joinPath(type))));
    return prices;
  }
}
