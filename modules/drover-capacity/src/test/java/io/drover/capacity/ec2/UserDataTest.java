package io.drover.capacity.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.core.capacity.Lifecycle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserDataTest {

  private static final Ec2CapacitySettings SETTINGS = new Ec2CapacitySettings("drover:cluster", "prod",
      Optional.empty(), Optional.empty(), "systemctl start drover-agent", Duration.ofSeconds(1), Duration.ofMinutes(2));

  @Test
  void writesTheAgentsEnvironmentThenRunsTheSetupThenStartsTheAgent() {
    String script = UserData.render(SETTINGS, "batch_1", Lifecycle.SPOT, "mount /dev/nvme1n1 /scratch\n");

    String env = script.substring(script.indexOf("<<ENV\n") + 6, script.indexOf("\nENV\n"));
    assertEquals("""
        DROVER_DISCOVERY_METHOD=ec2-tags
        DROVER_EC2_TAG_KEY=drover:cluster
        DROVER_EC2_TAG_VALUE=prod
        DROVER_COMPUTE_ENVIRONMENT=batch_1
        DROVER_AGENT_LIFECYCLE=spot
        DROVER_INSTANCE_ID=$instance_id
        DROVER_INSTANCE_TYPE=$instance_type
        DROVER_HOSTNAME=$private_ip
        DROVER_MANAGEMENT_HOSTNAME=$private_ip""", env);
    int setup = script.indexOf("mount /dev/nvme1n1 /scratch");
    int agent = script.indexOf("systemctl start drover-agent");
    assertTrue(script.indexOf("/etc/drover/agent.env") < setup && setup < agent, script);
    assertTrue(script.stripTrailing().endsWith("systemctl start drover-agent"), script);
    assertTrue(!script.contains("{{"), script);
  }

  @Test
  void fetchesTheHostsClusterTlsFilesFromParameterStoreBeforeTheAgentStarts() {
    Ec2CapacitySettings settings = new Ec2CapacitySettings("drover:cluster", "prod", Optional.empty(), Optional.empty(),
        "systemctl start drover-agent", Duration.ofSeconds(1), Duration.ofMinutes(2), "/drover/prod/tls");
    String script = UserData.render(settings, "batch", Lifecycle.SPOT, "");

    assertTrue(script.contains("aws ssm get-parameter --region \"$region\" --with-decryption --name \"/drover/prod/tls/$1\""),
        script);
    assertTrue(script.contains("parameter agent.p12 | base64 -d > /etc/drover/tls/agent.p12\n"), script);
    assertTrue(script.contains("umask 077"), script);
    String tlsEnv = script.substring(script.indexOf("cat >> /etc/drover/agent.env <<ENV\n") + 35, script.lastIndexOf("\nENV\n"));
    assertEquals("""
        DROVER_TLS_KEYSTORE=/etc/drover/tls/agent.p12
        DROVER_TLS_KEYSTORE_PASSWORD_FILE=/etc/drover/tls/agent.password
        DROVER_TLS_TRUSTSTORE=/etc/drover/tls/truststore.p12
        DROVER_TLS_TRUSTSTORE_PASSWORD_FILE=/etc/drover/tls/truststore.password""", tlsEnv);
    assertTrue(script.indexOf("install -d -m 700 /etc/drover/tls") < script.indexOf("set -a"), "fetched before it is exported");

    String plain = UserData.render(SETTINGS, "batch", Lifecycle.SPOT, "");
    assertTrue(!plain.contains("aws ssm") && plain.contains("the image provides DROVER_TLS_*"), plain);
  }

  @Test
  void isEncodedAsEc2TakesIt() {
    String script = UserData.render(SETTINGS, "batch", Lifecycle.ON_DEMAND, "");

    assertEquals(script, new String(Base64.getDecoder().decode(UserData.encoded(script)), StandardCharsets.UTF_8));
    assertTrue(script.contains("\nDROVER_AGENT_LIFECYCLE=on-demand\n"));
  }

  @Test
  void isValidBash(@TempDir Path dir) throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "no bash here");
    Ec2CapacitySettings withTls = new Ec2CapacitySettings("drover:cluster", "prod", Optional.empty(), Optional.empty(),
        "systemctl start drover-agent", Duration.ofSeconds(1), Duration.ofMinutes(2), "/drover/prod/tls");
    for (Ec2CapacitySettings settings : List.of(SETTINGS, withTls)) {
      Path script = dir.resolve("user-data.sh");
      Files.writeString(script, UserData.render(settings, "batch", Lifecycle.SPOT, "echo ready"));

      Process check = new ProcessBuilder(bash.toString(), "-n", script.toString()).redirectErrorStream(true).start();

      assertTrue(check.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, check.exitValue(), new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void refusesNamesThatWouldNeedQuoting() {
    assertThrows(IllegalArgumentException.class, () -> UserData.render(SETTINGS, "a b", Lifecycle.SPOT, ""));
    assertThrows(IllegalArgumentException.class, () -> UserData.render(SETTINGS, "$(reboot)", Lifecycle.SPOT, ""));
  }
}
