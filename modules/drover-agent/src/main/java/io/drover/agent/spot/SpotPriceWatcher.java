package io.drover.agent.spot;

import io.drover.capacity.ec2.SpotPrices;
import io.drover.capacity.ec2.SpotPrices.ZonePrice;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps a Spot host's hourly price current: at start and then every interval it reads the Spot
 * price of its instance type in its Availability Zone from EC2's price history and tells the agent
 * (USD per hour) when it changed, so the attempts placed from then on are charged what the host
 * costs now rather than the {@code drover.pricing} table's rough average. When the zone is unknown
 * the lowest price of the region is taken. A failed read is logged and the price kept.
 */
public final class SpotPriceWatcher {

  public interface Command {}

  private record Refresh() implements Command {}

  private record Read(Optional<Double> price, Throwable error) implements Command {}

  /**
   * @param agent hears each new price, USD per hour
   */
  public static Behavior<Command> create(String instanceType, InstanceMetadata metadata, SpotPrices prices,
      Executor blocking, Duration interval, ActorRef<Double> agent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerAtFixedRate(new Refresh(), Duration.ZERO, interval);
      return new SpotPriceWatcher(instanceType, metadata, prices, blocking, agent, ctx).behavior();
    }));
  }

  private final String instanceType;
  private final InstanceMetadata metadata;
  private final SpotPrices prices;
  private final Executor blocking;
  private final ActorRef<Double> agent;
  private final ActorContext<Command> context;
  private Double current;

  private SpotPriceWatcher(String instanceType, InstanceMetadata metadata, SpotPrices prices, Executor blocking,
      ActorRef<Double> agent, ActorContext<Command> context) {
    this.instanceType = instanceType;
    this.metadata = metadata;
    this.prices = prices;
    this.blocking = blocking;
    this.agent = agent;
    this.context = context;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Refresh.class, msg -> {
          context.pipeToSelf(
              CompletableFuture.supplyAsync(metadata::availabilityZone, blocking)
                  .thenCompose(zone -> prices.current(List.of(instanceType)).thenApply(found -> priceIn(found, zone))),
              (price, error) -> new Read(price == null ? Optional.empty() : price, error));
          return Behaviors.same();
        })
        .onMessage(Read.class, this::onRead)
        .build();
  }

  private Optional<Double> priceIn(List<ZonePrice> found, Optional<String> zone) {
    return found.stream()
        .filter(price -> price.instanceType().equals(instanceType))
        .filter(price -> zone.isEmpty() || price.availabilityZone().equals(zone.get()))
        .min(Comparator.comparing(ZonePrice::price))
        .map(price -> price.price().doubleValue());
  }

  private Behavior<Command> onRead(Read read) {
    if (read.error() != null) {
      Throwable cause = read.error().getCause() != null ? read.error().getCause() : read.error();
      context.getLog().warn("Cannot read the Spot price of {} from EC2 ({}); keeping {} USD/h. The instance role needs "
          + "ec2:DescribeSpotPriceHistory, or set drover.agent.spot.price-refresh = 0s.", instanceType, cause.getMessage(),
          current);
    } else if (read.price().isEmpty()) {
      context.getLog().warn("EC2's Spot price history has no Linux/UNIX price for {}; keeping {} USD/h", instanceType, current);
    } else if (!read.price().get().equals(current)) {
      current = read.price().get();
      context.getLog().info("Spot price of this {} host: {} USD/h", instanceType, current);
      agent.tell(current);
    }
    return Behaviors.same();
  }
}
