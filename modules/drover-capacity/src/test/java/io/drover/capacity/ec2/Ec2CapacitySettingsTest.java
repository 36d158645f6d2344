package io.drover.capacity.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class Ec2CapacitySettingsTest {

  @Test
  void defaults() {
    assertEquals(new Ec2CapacitySettings("drover:cluster", "drover", Optional.empty(), Optional.empty(),
        "systemctl start drover-agent", Duration.ofSeconds(1), Duration.ofMinutes(2)), Ec2CapacitySettings.defaults());
  }

  @Test
  void readsTheNodesConfiguration() {
    Ec2CapacitySettings settings = Ec2CapacitySettings.from(ConfigFactory.parseString("""
        drover.capacity.ec2 {
          cluster-name = prod
          region = eu-west-1
          endpoint = "https://vpce-0123.ec2.eu-west-1.vpce.amazonaws.com"
          agent-command = "/opt/drover/current/drover agent"
          tls-parameter-path = /drover/prod/tls
        }""").withFallback(ConfigFactory.defaultReference()));

    assertEquals("prod", settings.clusterName());
    assertEquals(Optional.of(Region.EU_WEST_1), settings.region());
    assertEquals(Optional.of(URI.create("https://vpce-0123.ec2.eu-west-1.vpce.amazonaws.com")), settings.endpoint());
    assertEquals("/opt/drover/current/drover agent", settings.agentCommand());
    assertEquals("/drover/prod/tls", settings.tlsParameterPath());
  }

  @Test
  void refusesValuesThatCannotGoIntoUserData() {
    assertThrows(IllegalArgumentException.class, () -> Ec2CapacitySettings.from(ConfigFactory
        .parseString("drover.capacity.ec2.cluster-name = \"my cluster\"").withFallback(ConfigFactory.defaultReference())));
    assertThrows(IllegalArgumentException.class, () -> Ec2CapacitySettings.from(ConfigFactory
        .parseString("drover.capacity.ec2.tls-parameter-path = \"drover/$(reboot)\"")
        .withFallback(ConfigFactory.defaultReference())));
    assertThrows(IllegalArgumentException.class, () -> Ec2CapacitySettings.from(ConfigFactory
        .parseString("drover.capacity.ec2.agent-command = \"\"").withFallback(ConfigFactory.defaultReference())));
    assertThrows(IllegalArgumentException.class, () -> Ec2CapacitySettings.from(ConfigFactory
        .parseString("drover.capacity.ec2.endpoint = \"not a url\"").withFallback(ConfigFactory.defaultReference())));
  }
}
