package io.drover.node.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.node.NodeConfig;
import io.drover.node.cassandra.RepoRoot;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class Ec2TagSettingsTest {

  private static Config with(String settings) {
    return ConfigFactory.parseString("pekko.discovery.ec2-tags { " + settings + " }")
        .withFallback(ConfigFactory.load());
  }

  @Test
  void theDeployableConfigurationFallsBackToTheDefaults() {
    Config config = NodeConfig.load(RepoRoot.locate().resolve("conf").resolve("controller.conf"), Map.of());

    assertEquals(new Ec2TagSettings("drover:cluster", "drover", "drover:role", "controller", 8558,
        Optional.empty(), Optional.empty()), Ec2TagSettings.from(config));
    assertEquals("io.drover.node.discovery.Ec2TagServiceDiscovery", config.getString("pekko.discovery.ec2-tags.class"));
  }

  @Test
  void regionAndEndpointAreTakenWhenSet() {
    Ec2TagSettings settings = Ec2TagSettings.from(with("region = eu-west-1, endpoint = \"http://127.0.0.1:4566\""));

    assertEquals(Optional.of(Region.EU_WEST_1), settings.region());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), settings.endpoint());
  }

  @Test
  void anEmptyTagValueIsRejectedNamingItsVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ec2TagSettings.from(with("tag-value = \"\"")));
    assertTrue(e.getMessage().contains("DROVER_EC2_TAG_VALUE"), e.getMessage());
  }

  @Test
  void aRoleTagKeyWithoutAValueIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ec2TagSettings.from(with("role-tag-value = \"\"")));
    assertTrue(e.getMessage().contains("DROVER_EC2_ROLE_TAG_VALUE"), e.getMessage());
  }

  @Test
  void anEndpointThatIsNotAUrlIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ec2TagSettings.from(with("endpoint = \"ec2.eu-west-1.amazonaws.com\"")));
    assertTrue(e.getMessage().contains("DROVER_EC2_ENDPOINT"), e.getMessage());
  }
}
