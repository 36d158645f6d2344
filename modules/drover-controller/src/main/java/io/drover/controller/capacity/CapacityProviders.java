package io.drover.controller.capacity;

import io.drover.capacity.CapacityProvider;
import io.drover.capacity.ec2.Ec2CapacityProvider;
import io.drover.capacity.ec2.Ec2CapacitySettings;
import io.drover.capacity.local.LocalCapacityProvider;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Builds the capacity provider {@code drover.capacity.provider} names, closed on shutdown. */
public final class CapacityProviders {

  private CapacityProviders() {}

  /** The provider, or null for {@code none}. */
  public static CapacityProvider start(ActorSystem<?> system, CapacitySettings settings) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    CapacityProvider provider = switch (settings.provider()) {
      case "none" -> null;
      case "ec2" -> Ec2CapacityProvider.create(Ec2CapacitySettings.from(system.settings().config()),
          DefaultCredentialsProvider.builder().build(), blocking);
      case "local" -> new LocalCapacityProvider(settings.localCommand(), settings.localEnvironment(),
          settings.localLogDir(), blocking);
      default -> throw new IllegalArgumentException("drover.capacity.provider is '" + settings.provider()
          + "'; set it to none, ec2 or local (DROVER_CAPACITY_PROVIDER).");
    };
    if (provider != null) {
      CoordinatedShutdown.get(system).addJvmShutdownHook(provider::close);
    }
    return provider;
  }
}
