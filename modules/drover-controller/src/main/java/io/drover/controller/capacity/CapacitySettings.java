package io.drover.controller.capacity;

import com.typesafe.config.Config;
import io.drover.core.capacity.CapacityOptions;
import io.drover.core.cost.PriceTable;
import io.drover.protocol.Pricing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code drover.capacity} settings (see reference.conf).
 *
 * @param provider {@code none}, {@code ec2}, {@code local} or {@code simulated}
 * @param interval how often each MANAGED compute environment is planned
 * @param options the planner's delays: scale-down idle delay, join timeout, capacity-error cool-down
 * @param localCommand the agent command line of the local provider
 * @param localEnvironment what the local provider's agents get besides their identity
 * @param localLogDir where the local provider's agents write their output
 * @param prices the {@code drover.pricing} table, which the planner uses for budgets and for the
 *     cheapest type
 */
public record CapacitySettings(
    String provider,
    Duration interval,
    CapacityOptions options,
    List<String> localCommand,
    Map<String, String> localEnvironment,
    Path localLogDir,
    PriceTable prices) {

  public static CapacitySettings from(Config root) {
    Config c = root.getConfig("drover.capacity");
    Map<String, String> environment = new HashMap<>();
    Config env = c.getConfig("local.environment");
    env.root().keySet().forEach(key -> environment.put(key, env.getString(key)));
    return new CapacitySettings(
        c.getString("provider"),
        c.getDuration("interval"),
        new CapacityOptions(c.getDuration("idle-delay").toMillis(), c.getDuration("join-timeout").toMillis(),
            c.getDuration("capacity-error-cooldown").toMillis()),
        c.getStringList("local.command"),
        environment,
        Path.of(c.getString("local.log-dir")),
        Pricing.table(root));
  }
}
