package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  private static Config withContactPoints(String points) {
    return ConfigFactory.parseString("drover.node.contact-points = \"" + points + "\"");
  }

  @Test
  void contactPointsBecomeTheDiscoveryEndpoints() {
    Config config = NodeConfig.withDiscoveryEndpoints(withContactPoints(" ctl-1:8558, 10.0.0.7:18558 ,"));

    List<? extends Config> endpoints = config.getConfigList("pekko.discovery.config.services.drover.endpoints");
    assertEquals(2, endpoints.size());
    assertEquals("ctl-1", endpoints.get(0).getString("host"));
    assertEquals(8558, endpoints.get(0).getInt("port"));
    assertEquals("10.0.0.7", endpoints.get(1).getString("host"));
    assertEquals(18558, endpoints.get(1).getInt("port"));
  }

  @Test
  void noContactPointsMeanNoEndpoints() {
    assertTrue(NodeConfig.withDiscoveryEndpoints(withContactPoints(""))
        .getList("pekko.discovery.config.services.drover.endpoints").isEmpty());
  }

  @Test
  void aContactPointWithoutAPortIsRejectedNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeConfig.withDiscoveryEndpoints(withContactPoints("ctl-1:8558,ctl-2")));
    assertTrue(e.getMessage().contains("'ctl-2'"), e.getMessage());
    assertTrue(e.getMessage().contains("DROVER_CONTACT_POINTS"), e.getMessage());
  }
}
