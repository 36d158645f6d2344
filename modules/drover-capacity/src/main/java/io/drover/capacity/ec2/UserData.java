package io.drover.capacity.ec2;

import io.drover.core.capacity.Lifecycle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user data of a new host: the shell script in {@code user-data.sh} next to this class, filled in.
 * It reads the instance id and private IP from the instance metadata (IMDSv2), writes the agent's
 * settings to {@code /etc/drover/agent.env} (EC2-tag discovery of this cluster's controllers, the
 * compute environment, the lifecycle, the instance id, the private IP as the node's address), fetches
 * the host's cluster TLS files from SSM Parameter Store when {@code tls-parameter-path} names them,
 * exports the settings, runs the compute environment's own setup and, last, the agent command.
 */
final class UserData {

  private static final String TEMPLATE = load();

  private UserData() {}

  /** The script, as text. */
  static String render(Ec2CapacitySettings settings, String computeEnvironment, Lifecycle lifecycle, String setup) {
    if (!Ec2CapacitySettings.PLAIN.matcher(computeEnvironment).matches()) {
      throw new IllegalArgumentException("Compute environment name '" + computeEnvironment + "' has characters "
          + "that cannot go into user data; AWS Batch allows letters, digits, hyphens and underscores.");
    }
    return TEMPLATE
        .replace("{{CLUSTER_TAG_KEY}}", settings.clusterTagKey())
        .replace("{{CLUSTER_NAME}}", settings.clusterName())
        .replace("{{COMPUTE_ENVIRONMENT}}", computeEnvironment)
        .replace("{{LIFECYCLE}}", lifecycle.agentValue())
        .replace("{{TLS}}", tls(settings.tlsParameterPath()))
        .replace("{{AGENT_COMMAND}}", settings.agentCommand().strip())
        .replace("{{SETUP}}", setup.isBlank() ? "# (none)" : setup.strip());
  }

  /**
   * Fetches {@code agent.p12}, {@code agent.password}, {@code truststore.p12} and
   * {@code truststore.password} from the parameter path into {@code /etc/drover/tls} (readable by
   * root only), with the instance role, and names them in the agent's settings.
   */
  private static String tls(String parameterPath) {
    if (parameterPath.isEmpty()) {
      return "# Not fetched (drover.capacity.ec2.tls-parameter-path is empty): the image provides DROVER_TLS_*.";
    }
    return """
        region=$(metadata placement/region)
        parameter() {
          aws ssm get-parameter --region "$region" --with-decryption --name "%s/$1" --query Parameter.Value --output text
        }
        install -d -m 700 /etc/drover/tls
        (
          umask 077
          parameter agent.p12 | base64 -d > /etc/drover/tls/agent.p12
          parameter agent.password > /etc/drover/tls/agent.password
          parameter truststore.p12 | base64 -d > /etc/drover/tls/truststore.p12
          parameter truststore.password > /etc/drover/tls/truststore.password
        )
        cat >> /etc/drover/agent.env <<ENV
        DROVER_TLS_KEYSTORE=/etc/drover/tls/agent.p12
        DROVER_TLS_KEYSTORE_PASSWORD_FILE=/etc/drover/tls/agent.password
        DROVER_TLS_TRUSTSTORE=/etc/drover/tls/truststore.p12
        DROVER_TLS_TRUSTSTORE_PASSWORD_FILE=/etc/drover/tls/truststore.password
        ENV""".formatted(parameterPath);
  }

  /** The script base64-encoded, as EC2 takes user data. */
  static String encoded(String script) {
    return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
  }

  private static String load() {
    try (InputStream in = UserData.class.getResourceAsStream("user-data.sh")) {
      if (in == null) {
        throw new IllegalStateException("user-data.sh is missing from the drover-capacity jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
