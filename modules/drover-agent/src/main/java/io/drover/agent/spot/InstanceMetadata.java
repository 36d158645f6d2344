package io.drover.agent.spot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.imds.Ec2MetadataClient;
import software.amazon.awssdk.imds.Ec2MetadataRetryPolicy;

/**
 * The instance metadata a Spot instance's agent reads (the two documents that warn it, and its
 * Availability Zone), read with the AWS SDK's IMDS
 * client (IMDSv2: a session token from {@code PUT /latest/api/token}, then reads with it). Blocking:
 * call it off actor threads.
 *
 * <p>IMDSv1-only instances are not supported: the SDK client always asks for a token. Instances
 * Drover launches require IMDSv2; for others set the instance's metadata options to
 * {@code HttpTokens=required} or {@code optional} with {@code HttpEndpoint=enabled} (a hop limit of
 * 1 is enough: the agent runs on the host, not in a container).
 */
public final class InstanceMetadata implements AutoCloseable {

  static final String INSTANCE_ACTION = "/latest/meta-data/spot/instance-action";
  static final String REBALANCE = "/latest/meta-data/events/recommendations/rebalance";
  static final String AVAILABILITY_ZONE = "/latest/meta-data/placement/availability-zone";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** EC2's announced action ({@code terminate}, {@code stop} or {@code hibernate}) and when it happens. */
  public record InstanceAction(String action, Instant time) {}

  private final Ec2MetadataClient client;

  /** @param endpoint the metadata service, or null for the SDK's default (169.254.169.254 or its environment override) */
  public InstanceMetadata(String endpoint) {
    Ec2MetadataClient.Builder builder = Ec2MetadataClient.builder()
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(TIMEOUT).socketTimeout(TIMEOUT).build())
        .retryPolicy(Ec2MetadataRetryPolicy.builder().numRetries(1).build());
    if (endpoint != null) {
      builder.endpoint(URI.create(endpoint));
    }
    this.client = builder.build();
  }

  /** The pending interruption, if EC2 announced one (the document exists only then). */
  public Optional<InstanceAction> instanceAction() {
    return read(INSTANCE_ACTION).map(json -> new InstanceAction(json.path("action").asText("terminate"),
        Instant.parse(json.path("time").asText())));
  }

  /** When EC2 recommended rebalancing away from this instance, if it did. */
  public Optional<Instant> rebalanceRecommendation() {
    return read(REBALANCE).map(json -> Instant.parse(json.path("noticeTime").asText()));
  }

  /** The instance's Availability Zone, such as {@code us-east-1a}; empty when IMDS does not say. */
  public Optional<String> availabilityZone() {
    return text(AVAILABILITY_ZONE).map(String::trim);
  }

  /** The JSON document at {@code path}; empty when IMDS answers 404 (no such notice). */
  private Optional<JsonNode> read(String path) {
    Optional<String> text = text(path);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String body = text.get();
    try {
      return Optional.of(JSON.readTree(body));
    } catch (IOException e) {
      throw new UncheckedIOException("IMDS answered " + path + " with something that is not JSON: " + body, e);
    }
  }

  private Optional<String> text(String path) {
    try {
      return Optional.of(client.get(path).asString());
    } catch (SdkClientException e) {
      // The SDK reports a missing document as "... returned Http code 404".
      if (e.getMessage() != null && e.getMessage().contains("Http code 404")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
