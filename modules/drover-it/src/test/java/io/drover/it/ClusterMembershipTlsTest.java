package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.NodeProcess;
import io.drover.it.support.TestCertificates;
import io.drover.node.tls.ClusterCertificates;
import io.drover.node.tls.NodeCertificate;
import io.drover.node.tls.TrustStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster membership is authenticated: a controller process with the test cluster's CA, and agent
 * processes started as an operator starts them. Only the agent holding a certificate from the
 * cluster's CA becomes a member; one without TLS, one of another cluster (another CA's certificate
 * and truststore) and one with another CA's certificate that trusts the cluster's CA too are
 * refused, the refusals are logged on both sides, and the refused agents give up and stop.
 */
class ClusterMembershipTlsTest {

  private static final Duration READY = Duration.ofSeconds(150);
  /** How long refused agents must stay out after the good agent is Up, while they try to join again and again. */
  private static final Duration REFUSED_FOR = Duration.ofSeconds(60);
  private static final String KEYSPACE = "it_tls_" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);

  private static final List<NodeProcess> started = new ArrayList<>();
  private static NodeProcess controller;
  private static String contactPoints;
  private static NodeCertificate foreign;
  private static TrustStore bothCas;

  @BeforeAll
  static void startController() throws Exception {
    ClusterCertificates other = ClusterCertificates.in(TestCertificates.directory("other-ca"));
    other.createCa("Other CA", 90);
    foreign = other.createNode("intruder", List.of("ip:127.0.0.1"), 90);
    bothCas = trustingBoth(foreign.trustStore(), TestCertificates.node().trustStore());

    int management = NodeProcess.port();
    contactPoints = "127.0.0.1:" + management;
    controller = start(new NodeProcess.Spec("tls-controller", "controller", management, 0, Map.of(
        "DROVER_CONTACT_POINTS", contactPoints,
        "DROVER_TLS_HOSTNAME_VERIFICATION", "on"), NodeProcess.clusterProperties(KEYSPACE)));
    Await.until(READY, () -> controller.get("/ready"), status -> status == 200, "the controller to be ready");
  }

  @AfterAll
  static void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void onlyAnAgentWithACertificateFromTheClusterCaBecomesAMember() throws InterruptedException {
    NodeProcess member = startAgent("tls-agent-member", Map.of("DROVER_TLS_HOSTNAME_VERIFICATION", "on"), Map.of());
    NodeProcess plaintext = startAgent("tls-agent-plaintext", Map.of(), Map.of("pekko.remote.artery.transport", "tcp"));
    NodeProcess stranger = startAgent("tls-agent-other-cluster", foreign.environment(), Map.of());
    Map<String, String> intruding = new HashMap<>(foreign.environment());
    intruding.put("DROVER_TLS_TRUSTSTORE", bothCas.path().toString());
    intruding.put("DROVER_TLS_TRUSTSTORE_PASSWORD_FILE", bothCas.password().toString());
    NodeProcess intruder = startAgent("tls-agent-foreign-certificate", intruding, Map.of());
    List<NodeProcess> refused = List.of(plaintext, stranger, intruder);

    try {
      Await.until(READY, () -> memberStatus(member), "Up"::equals, "the agent with the cluster's certificate to be Up");
      Await.until(READY, () -> member.get("/ready"), status -> status == 200, "the agent to be ready");
      long deadline = System.nanoTime() + REFUSED_FOR.toNanos();
      while (System.nanoTime() < deadline) {
        for (NodeProcess agent : refused) {
          assertEquals("", memberStatus(agent), agent.name() + " must never be a member");
        }
        Thread.sleep(1_000);
      }
      // A node that cannot join gives up (pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes) and stops.
      for (NodeProcess agent : refused) {
        assertTrue(agent.awaitExit((int) READY.toSeconds()), agent.name() + " stops by itself");
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + controller.tail() + "\n" + member.tail() + "\n" + intruder.tail(), e);
    }

    String controllerLog = controller.output();
    String cluster = "127.0.0.1:" + controller.remotePort();
    assertLogged(controllerLog, "WARN  i.d.n.t.ClusterSslEngineProvider - Refused a connection to the cluster's remoting "
        + "port that does not speak TLS");
    assertLogged(controllerLog, "WARN  i.d.n.t.ClusterSslEngineProvider - Refused a node that tried to join the cluster: "
        + "it presented no certificate issued by this cluster's CA");
    assertLogged(controllerLog, "WARN  i.d.n.t.ClusterSslEngineProvider - A node connecting to the cluster's remoting port "
        + "broke off the TLS handshake (alert certificate_unknown)");
    assertLogged(intruder.output(), "Could not join the cluster: cluster node " + cluster + " refused this node's certificate "
        + "during the TLS handshake (alert bad_certificate). This node's certificate is CN=intruder,O=Drover issued by "
        + "CN=Other CA,O=Drover.");
    assertLogged(stranger.output(), "Could not connect to cluster node " + cluster + " over TLS: its certificate "
        + "CN=test-node,O=Drover was issued by CN=Drover test cluster CA,O=Drover, not by the CA in this node's truststore");
    assertLogged(plaintext.output(), "Cluster remoting is not authenticated (pekko.remote.artery.transport = tcp)");
  }

  @Test
  void anAgentWithoutTlsSettingsDoesNotStartAndSaysWhatIsMissing() {
    NodeProcess agent = startAgent("tls-agent-unconfigured", Map.of(
        "DROVER_TLS_KEYSTORE", "", "DROVER_TLS_KEYSTORE_PASSWORD_FILE", "",
        "DROVER_TLS_TRUSTSTORE", "", "DROVER_TLS_TRUSTSTORE_PASSWORD_FILE", ""), Map.of());
    assertTrue(agent.awaitExit(60), "the agent stops at once");
    assertEquals(1, agent.exitCode());
    assertLogged(agent.output(), "Drover did not start: Cluster TLS: DROVER_TLS_KEYSTORE is not set "
        + "(pekko.remote.artery.ssl.config-ssl-engine.key-store).");
    assertLogged(agent.output(), "Create the cluster's CA once with './drover certs ca --dir DIR' and a keystore for each "
        + "node with './drover certs node --dir DIR --name NAME'");
  }

  private static NodeProcess startAgent(String name, Map<String, String> env, Map<String, String> extraProperties) {
    Map<String, String> properties = new HashMap<>(NodeProcess.clusterProperties(KEYSPACE));
    properties.put("drover.agent.process.work-dir", System.getProperty("java.io.tmpdir") + "/drover-it-" + name);
    properties.putAll(extraProperties);
    Map<String, String> environment = new HashMap<>(Map.of(
        "DROVER_CONTACT_POINTS", contactPoints,
        "DROVER_AGENT_ID", name,
        "DROVER_COMPUTE_ENVIRONMENT", "tls",
        "DROVER_EXECUTOR", "process",
        "DROVER_VCPUS", "1",
        "DROVER_MEMORY_MIB", "512",
        "DROVER_DRAIN_GRACE", "0s"));
    environment.putAll(env);
    return start(new NodeProcess.Spec(name, "agent", NodeProcess.port(), 0, environment, properties));
  }

  private static NodeProcess start(NodeProcess.Spec spec) {
    NodeProcess process = NodeProcess.start(spec);
    started.add(process);
    return process;
  }

  /** The agent's status in the controller's view of the cluster ({@code Up}, ...), or empty when it is no member. */
  private static String memberStatus(NodeProcess agent) {
    String members = controller.body("/cluster/members");
    Matcher matcher = Pattern.compile("\"node\"\\s*:\\s*\"pekko://drover@127\\.0\\.0\\.1:" + agent.remotePort()
        + "\"[^}]*?\"status\"\\s*:\\s*\"(\\w+)\"").matcher(members);
    return matcher.find() ? matcher.group(1) : "";
  }

  private static void assertLogged(String log, String line) {
    assertTrue(log.contains(line), "expected in the log: " + line + "\n--- log:\n" + log.lines()
        .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Drover"))
        .limit(40)
        .reduce("", (a, b) -> a + b + "\n"));
  }

  /** A truststore with the certificates of both truststores, and the first one's password. */
  private static TrustStore trustingBoth(TrustStore first, TrustStore second) throws Exception {
    KeyStore both = load(first);
    KeyStore other = load(second);
    for (String alias : Collections.list(other.aliases())) {
      both.setCertificateEntry("cluster-" + alias, other.getCertificate(alias));
    }
    Path path = TestCertificates.directory("other-ca").resolve("both-cas.p12");
    try (OutputStream out = Files.newOutputStream(path)) {
      both.store(out, Files.readString(first.password()).strip().toCharArray());
    }
    return new TrustStore(path, first.password());
  }

  private static KeyStore load(TrustStore trust) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trust.path())) {
      store.load(in, Files.readString(trust.password()).strip().toCharArray());
    }
    return store;
  }
}
