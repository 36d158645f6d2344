package io.drover.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.drover.node.NodeConfig;
import io.drover.node.cassandra.RepoRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node checks of its TLS settings before it starts, with the deployable configuration (conf/). */
class ClusterTlsTest {

  @TempDir
  static Path dir;

  private static NodeCertificate node;
  private static NodeCertificate foreign;

  @BeforeAll
  static void certificates() {
    ClusterCertificates cluster = ClusterCertificates.in(dir.resolve("cluster"));
    cluster.createCa("Drover cluster CA", 90);
    node = cluster.createNode("controller-1", List.of(), 90);
    ClusterCertificates other = ClusterCertificates.in(dir.resolve("other"));
    other.createCa("Other CA", 90);
    foreign = other.createNode("intruder", List.of(), 90);
  }

  private static Config controller(Map<String, Object> settings) {
    return NodeConfig.load(RepoRoot.locate().resolve("conf/controller.conf"), settings);
  }

  private static String refusal(Map<String, Object> settings) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterTls.configure(controller(settings))).getMessage();
  }

  @Test
  void theDeployableConfigurationIsClosedByDefault() {
    Config config = controller(Map.of());
    assertEquals("tls-tcp", config.getString(ClusterTls.TRANSPORT));
    assertTrue(config.getBoolean(ClusterTls.MUTUAL_AUTHENTICATION));
    String message = refusal(Map.of());
    assertTrue(message.startsWith("Cluster TLS: DROVER_TLS_KEYSTORE is not set"), message);
    assertTrue(message.contains("./drover certs ca --dir DIR") && message.contains("./drover certs node --dir DIR --name NAME"),
        message);
  }

  @Test
  void passwordFilesFillPekkosSettings() throws Exception {
    Config config = ClusterTls.configure(controller(node.settings()));
    String password = Files.readString(node.password()).strip();
    assertEquals(password, config.getString(ClusterTls.KEY_STORE_PASSWORD));
    assertEquals(password, config.getString(ClusterTls.KEY_PASSWORD));
    assertEquals(Files.readString(node.trustStore().password()).strip(), config.getString(ClusterTls.TRUST_STORE_PASSWORD));
    assertEquals(ClusterSslEngineProvider.class.getName(), config.getString(ClusterTls.PROVIDER));
  }

  @Test
  void eachMissingOrWrongSettingIsNamed() {
    Map<String, Object> settings = new HashMap<>(node.settings());
    settings.remove(ClusterTls.TRUST_STORE);
    assertTrue(refusal(settings).startsWith("Cluster TLS: DROVER_TLS_TRUSTSTORE is not set"), refusal(settings));

    settings = new HashMap<>(node.settings());
    settings.remove(ClusterTls.KEY_STORE_PASSWORD_FILE);
    assertTrue(refusal(settings).contains("no password for " + node.keystore() + " (DROVER_TLS_KEYSTORE): set "
        + "DROVER_TLS_KEYSTORE_PASSWORD_FILE"), refusal(settings));

    settings = new HashMap<>(node.settings());
    settings.put(ClusterTls.KEY_STORE, dir.resolve("missing.p12").toString());
    assertTrue(refusal(settings).contains("names " + dir.resolve("missing.p12") + " (this node's keystore"), refusal(settings));

    settings = new HashMap<>(node.settings());
    settings.put(ClusterTls.KEY_STORE_PASSWORD, "not-the-password");
    assertTrue(refusal(settings).contains("cannot open " + node.keystore()), refusal(settings));

    settings = new HashMap<>(node.settings());
    settings.put(ClusterTls.KEY_STORE, node.trustStore().path().toString());
    settings.put(ClusterTls.KEY_STORE_PASSWORD_FILE, node.trustStore().password().toString());
    assertTrue(refusal(settings).contains("holds no private key"), refusal(settings));
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedAtStart() {
    Map<String, Object> settings = new HashMap<>(node.settings());
    settings.put(ClusterTls.KEY_STORE, foreign.keystore().toString());
    settings.put(ClusterTls.KEY_STORE_PASSWORD_FILE, foreign.password().toString());
    String message = refusal(settings);
    assertTrue(message.contains("(CN=intruder,O=Drover, in " + foreign.keystore() + ") was issued by CN=Other CA,O=Drover, "
        + "which is not a CA in the truststore"), message);
  }

  @Test
  void anotherTransportIsTheOperatorsExplicitChoice() {
    Config plain = controller(Map.of(ClusterTls.TRANSPORT, "tcp"));
    assertSame(plain, ClusterTls.configure(plain));
  }
}
