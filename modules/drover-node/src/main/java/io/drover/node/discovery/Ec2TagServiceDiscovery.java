package io.drover.node.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.discovery.Lookup;
import org.apache.pekko.discovery.ServiceDiscovery;
import scala.Option;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Cluster Bootstrap discovery on AWS: the contact points are the running EC2 instances that carry the
 * cluster's tag ({@code drover:cluster=<cluster name>} by default) and the controllers' role tag
 * ({@code drover:role=controller}), at their private IPv4 address and the controllers' management port.
 *
 * <p>{@code DROVER_DISCOVERY_METHOD=ec2-tags} selects it (conf/cluster.conf): Pekko Discovery then
 * creates it from {@code pekko.discovery.ec2-tags} (see reference.conf and {@link Ec2TagSettings}). The
 * lookup's service name is not used; the tags select the instances. Each lookup is one DescribeInstances
 * call, every page of it, with the blocking SDK client on Pekko's blocking I/O dispatcher. Credentials
 * come from the SDK's default chain (the instance profile on EC2), whose role needs
 * {@code ec2:DescribeInstances}; the region from the settings, else from the SDK's default chain (the
 * instance metadata on EC2). A failed call fails the lookup with an {@link Ec2DiscoveryException} that
 * says what to fix; Cluster Bootstrap logs it and looks up again with backoff.
 */
public final class Ec2TagServiceDiscovery extends ServiceDiscovery implements AutoCloseable {

  private static final String BLOCKING_DISPATCHER = "pekko.actor.default-blocking-io-dispatcher";

  private final Ec2TagSettings settings;
  private final AwsCredentialsProvider credentials;
  private final Executor blocking;
  private final Region region;
  private final Ec2Client ec2;

  /** The constructor Pekko Discovery calls; the client is closed when {@code system} terminates. */
  public Ec2TagServiceDiscovery(ExtendedActorSystem system) {
    this(Ec2TagSettings.from(system.settings().config()), DefaultCredentialsProvider.builder().build(),
        system.dispatchers().lookup(BLOCKING_DISPATCHER));
    system.registerOnTermination(this::close);
  }

  /** Calls EC2 with {@code credentials}, running each lookup on {@code blocking}. */
  Ec2TagServiceDiscovery(Ec2TagSettings settings, AwsCredentialsProvider credentials, Executor blocking) {
    this.settings = settings;
    this.credentials = credentials;
    this.blocking = blocking;
    this.region = settings.region().orElseGet(Ec2TagServiceDiscovery::defaultRegion);
    Ec2ClientBuilder builder = Ec2Client.builder()
        .region(region)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
    settings.endpoint().ifPresent(builder::endpointOverride);
    this.ec2 = builder.build();
  }

  @Override
  public Future<Resolved> lookup(Lookup lookup, FiniteDuration resolveTimeout) {
    Duration timeout = Duration.ofMillis(resolveTimeout.toMillis());
    CompletableFuture<Resolved> resolved = new CompletableFuture<>();
    blocking.execute(() -> {
      try {
        List<ResolvedTarget> targets = contactPoints(timeout);
        resolved.complete(new Resolved(lookup.serviceName(), CollectionConverters.asScala(targets).toList()));
      } catch (RuntimeException e) {
        resolved.completeExceptionally(e);
      }
    });
    return FutureConverters.asScala(resolved);
  }

  /** The matching instances' private IPv4 addresses with the management port; instances without one are left out. */
  private List<ResolvedTarget> contactPoints(Duration timeout) {
    resolveCredentials();
    DescribeInstancesRequest request = DescribeInstancesRequest.builder()
        .filters(settings.filters())
        .overrideConfiguration(o -> o.apiCallTimeout(timeout))
        .build();
    try {
      return ec2.describeInstancesPaginator(request).reservations().stream()
          .flatMap(reservation -> reservation.instances().stream())
          .map(Instance::privateIpAddress)
          .filter(ip -> ip != null && !ip.isEmpty())
          .map(ip -> new ResolvedTarget(ip, Option.<Object>apply(settings.managementPort()), Option.empty()))
          .toList();
    } catch (SdkException e) {
      throw explain(e, timeout);
    }
  }

  private void resolveCredentials() {
    try {
      credentials.resolveCredentials();
    } catch (SdkClientException e) {
      throw new Ec2DiscoveryException("EC2-tag discovery found no AWS credentials: run the node with an instance "
          + "profile whose role allows ec2:DescribeInstances, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. ("
          + e.getMessage() + ")", e);
    }
  }

  private Ec2DiscoveryException explain(SdkException e, Duration timeout) {
    String endpoint = settings.endpoint().map(URI::toString).orElse("the EC2 endpoint of " + region);
    if (e instanceof AwsServiceException service) {
      String code = service.awsErrorDetails().errorCode();
      String cause = " (" + code + ", HTTP " + service.statusCode() + " from " + endpoint + ")";
      if (service.isThrottlingException()) {
        return new Ec2DiscoveryException("EC2 throttled DescribeInstances" + cause + "; Cluster Bootstrap looks up "
            + "again with backoff. If it goes on, other DescribeInstances callers in this account and region use up "
            + "the request rate.", e);
      }
      String fix = switch (String.valueOf(code)) {
        case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException" ->
            ": the instance role needs ec2:DescribeInstances (an IAM policy allowing it on resource *).";
        case "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "RequestExpired" ->
            ": the credentials were rejected; check the instance profile (or AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY) and the host's clock.";
        default -> ": " + service.awsErrorDetails().errorMessage();
      };
      return new Ec2DiscoveryException("EC2 DescribeInstances failed" + cause + fix, e);
    }
    if (e instanceof ApiCallTimeoutException) {
      return new Ec2DiscoveryException("EC2 DescribeInstances did not answer within " + timeout.toMillis() + " ms at "
          + endpoint + ": check that this host reaches the EC2 API (a NAT gateway or an ec2 interface VPC endpoint); "
          + "pekko.management.cluster.bootstrap.contact-point-discovery.resolve-timeout sets the wait.", e);
    }
    return new Ec2DiscoveryException("EC2 DescribeInstances at " + endpoint + " failed: " + e.getMessage()
        + " Check the region (DROVER_EC2_REGION) and that this host reaches the EC2 API (a NAT gateway or an ec2 "
        + "interface VPC endpoint).", e);
  }

  private static Region defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new IllegalArgumentException("EC2-tag discovery has no AWS region: set DROVER_EC2_REGION (or AWS_REGION). "
          + "On EC2 the instance metadata gives it unless IMDS is off or out of reach. (" + e.getMessage() + ")", e);
    }
  }

  /** Closes the EC2 client and the credentials provider. */
  @Override
  public void close() {
    ec2.close();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }
}
