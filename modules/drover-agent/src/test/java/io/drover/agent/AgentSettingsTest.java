package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.github.dockerjava.api.model.Capability;
import io.drover.agent.exec.DockerSettings;
import io.drover.core.cost.PriceTable.HostPrices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an agent reads its settings: instance type and prices, how closed jobs are. */
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

  @Test
  void byDefaultContainersKeepTheDocumentedCapabilitiesNoHostPathsAndCommandsRunAsNobodyThroughDroverSpawn() {
    AgentSettings settings = settings("");

    assertEquals(DockerSettings.DEFAULT_CAPABILITIES, settings.docker().capabilities());
    assertEquals(4096, settings.docker().pidsLimit());
    assertEquals(List.of(), settings.docker().allowedHostPaths());
    assertEquals("nobody", settings.process().runAsUser());
    assertTrue(settings.process().spawnHelper());
    assertFalse(settings("drover.agent.process.spawn-helper = off").process().spawnHelper());
  }

  @Test
  void capabilitiesAndHostPathsAreReadAsDockerAndPathsWriteThem() {
    AgentSettings settings = settings("drover.agent.docker { capabilities = [cap_chown, KILL, CHOWN]\n"
        + "allowed-host-paths = [\"/data/shared/\", \"/scratch/../srv\"], pids-limit = 100 }");

    assertEquals(List.of(Capability.CHOWN, Capability.KILL), settings.docker().capabilities());
    assertEquals(List.of(Path.of("/data/shared"), Path.of("/srv")), settings.docker().allowedHostPaths());
    assertEquals(100, settings.docker().pidsLimit());
  }

  @Test
  void unsafeOrUnknownConfinementSettingsAreRefusedNamingTheSetting() {
    assertRefused("drover.agent.docker.capabilities = [ALL]", "drover.agent.docker.capabilities lists ALL");
    assertRefused("drover.agent.docker.capabilities = [SYS_WIZARD]",
        "drover.agent.docker.capabilities lists 'SYS_WIZARD', which is not a Linux capability");
    assertRefused("drover.agent.docker.allowed-host-paths = [data]",
        "drover.agent.docker.allowed-host-paths lists 'data'; list absolute host directories");
    assertRefused("drover.agent.docker.pids-limit = 0", "drover.agent.docker.pids-limit is 0");
  }

  @Test
  void aStartReportDelayIsReadAndANegativeOneRefusedNamingTheSetting() {
    assertEquals(Duration.ofMillis(20), settings("").startReportDelay());
    assertEquals(Duration.ZERO, settings("drover.agent.start-report-delay = 0s").startReportDelay());
    assertRefused("drover.agent.start-report-delay = -5ms", "drover.agent.start-report-delay is -5 ms; set it to");
  }

  private static void assertRefused(String overrides, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(overrides));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
