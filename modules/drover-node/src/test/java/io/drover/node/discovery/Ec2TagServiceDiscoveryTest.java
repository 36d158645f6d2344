package io.drover.node.discovery;

import static io.drover.node.discovery.Ec2StandIn.error;
import static io.drover.node.discovery.Ec2StandIn.page;
import static io.drover.node.discovery.Ec2StandIn.reservation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.node.discovery.Ec2StandIn.Request;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.discovery.Discovery;
import org.apache.pekko.discovery.Lookup;
import org.apache.pekko.discovery.ServiceDiscovery;
import org.apache.pekko.discovery.ServiceDiscovery.Resolved;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/** The real SDK client against a stand-in for the EC2 Query API on 127.0.0.1. */
class Ec2TagServiceDiscoveryTest {

  private static final String ACCESS_KEY = "AKIDSTANDINEXAMPLE01";
  private static final String SECRET_KEY = "stand-in-secret-key";
  private static final FiniteDuration RESOLVE_TIMEOUT = FiniteDuration.create(20, TimeUnit.SECONDS);

  private Ec2StandIn ec2;
  private ExecutorService blocking;

  @BeforeEach
  void start() throws Exception {
    ec2 = new Ec2StandIn();
    blocking = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    ec2.close();
    blocking.shutdownNow();
  }

  private Ec2TagServiceDiscovery discovery(String roleTagKey) {
    Ec2TagSettings settings = new Ec2TagSettings("drover:cluster", "prod", roleTagKey, "controller", 8558,
        Optional.of(Region.EU_WEST_1), Optional.of(ec2.endpoint()));
    return new Ec2TagServiceDiscovery(settings,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)), blocking);
  }

  private static Resolved await(Future<Resolved> lookup) throws Exception {
    return FutureConverters.asJava(lookup).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static List<String> hostsAndPorts(Resolved resolved) {
    return resolved.getAddresses().stream()
        .map(target -> target.host() + ":" + target.getPort().orElseThrow())
        .toList();
  }

  private static Map<String, String> filterParameters(Request request) {
    Map<String, String> filters = new TreeMap<>(request.form());
    filters.keySet().removeIf(name -> !name.startsWith("Filter."));
    return filters;
  }

  @Test
  void findsTheRunningTaggedControllersAtTheirPrivateIpsAndTheManagementPort() throws Exception {
    ec2.answer(200, page(null, reservation("r-0a1", "10.0.1.10", null), reservation("r-0b2", "10.0.2.20")));

    Resolved resolved;
    try (Ec2TagServiceDiscovery discovery = discovery("drover:role")) {
      resolved = await(discovery.lookup(Lookup.create("drover"), RESOLVE_TIMEOUT));
    }

    assertEquals("drover", resolved.serviceName());
    assertEquals(List.of("10.0.1.10:8558", "10.0.2.20:8558"), hostsAndPorts(resolved));
    assertEquals(1, ec2.requests().size());
    Request request = ec2.requests().get(0);
    assertEquals("POST", request.method());
    assertEquals("DescribeInstances", request.form().get("Action"));
    assertEquals("2016-11-15", request.form().get("Version"));
    assertEquals(Map.of(
        "Filter.1.Name", "instance-state-name", "Filter.1.Value.1", "running",
        "Filter.2.Name", "tag:drover:cluster", "Filter.2.Value.1", "prod",
        "Filter.3.Name", "tag:drover:role", "Filter.3.Value.1", "controller"), filterParameters(request));
    assertFalse(request.form().containsKey("NextToken"), request.form().toString());
    assertTrue(request.authorization().contains("Credential=" + ACCESS_KEY + "/"), request.authorization());
    assertTrue(request.authorization().contains("/eu-west-1/ec2/aws4_request"), request.authorization());
  }

  @Test
  void followsNextTokenAcrossPages() throws Exception {
    ec2.answer(200, page("eyJ2IjoiMiJ9-page-2", reservation("r-0a1", "10.0.1.10")));
    ec2.answer(200, page(null, reservation("r-0b2", "10.0.2.20", "10.0.2.21")));

    Resolved resolved;
    try (Ec2TagServiceDiscovery discovery = discovery("")) {
      resolved = await(discovery.lookup(Lookup.create("drover"), RESOLVE_TIMEOUT));
    }

    assertEquals(List.of("10.0.1.10:8558", "10.0.2.20:8558", "10.0.2.21:8558"), hostsAndPorts(resolved));
    List<Request> requests = ec2.requests();
    assertEquals(2, requests.size());
    assertFalse(requests.get(0).form().containsKey("NextToken"), requests.get(0).form().toString());
    assertEquals("eyJ2IjoiMiJ9-page-2", requests.get(1).form().get("NextToken"));
    Map<String, String> withoutRoleTag = Map.of(
        "Filter.1.Name", "instance-state-name", "Filter.1.Value.1", "running",
        "Filter.2.Name", "tag:drover:cluster", "Filter.2.Value.1", "prod");
    assertEquals(withoutRoleTag, filterParameters(requests.get(0)));
    assertEquals(withoutRoleTag, filterParameters(requests.get(1)));
  }

  @Test
  void aRefusedCallFailsTheLookupNamingThePermission() {
    ec2.answer(403, error("UnauthorizedOperation", "You are not authorized to perform this operation."));

    ExecutionException failure;
    try (Ec2TagServiceDiscovery discovery = discovery("drover:role")) {
      failure = assertThrows(ExecutionException.class,
          () -> await(discovery.lookup(Lookup.create("drover"), RESOLVE_TIMEOUT)));
    }

    Ec2DiscoveryException cause = assertInstanceOf(Ec2DiscoveryException.class, failure.getCause());
    assertTrue(cause.getMessage().contains("UnauthorizedOperation"), cause.getMessage());
    assertTrue(cause.getMessage().contains("the instance role needs ec2:DescribeInstances"), cause.getMessage());
    assertEquals("DescribeInstances", ec2.requests().get(0).form().get("Action"));
  }

  @Test
  void throttlingFailsTheLookupOnceTheSdksRetriesAreSpent() {
    for (int i = 0; i < 10; i++) {
      ec2.answer(503, error("RequestLimitExceeded", "Request limit exceeded."));
    }

    ExecutionException failure;
    try (Ec2TagServiceDiscovery discovery = discovery("drover:role")) {
      failure = assertThrows(ExecutionException.class,
          () -> await(discovery.lookup(Lookup.create("drover"), RESOLVE_TIMEOUT)));
    }

    Ec2DiscoveryException cause = assertInstanceOf(Ec2DiscoveryException.class, failure.getCause());
    assertTrue(cause.getMessage().contains("throttled DescribeInstances (RequestLimitExceeded"), cause.getMessage());
    assertTrue(ec2.requests().size() > 1, "the SDK did not retry: " + ec2.requests().size() + " request");
  }

  @Test
  void missingCredentialsFailTheLookupWithoutCallingEc2() {
    Ec2TagSettings settings = new Ec2TagSettings("drover:cluster", "prod", "", "", 8558,
        Optional.of(Region.EU_WEST_1), Optional.of(ec2.endpoint()));
    AwsCredentialsProvider none = () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain.");
    };

    ExecutionException failure;
    try (Ec2TagServiceDiscovery discovery = new Ec2TagServiceDiscovery(settings, none, blocking)) {
      failure = assertThrows(ExecutionException.class,
          () -> await(discovery.lookup(Lookup.create("drover"), RESOLVE_TIMEOUT)));
    }

    Ec2DiscoveryException cause = assertInstanceOf(Ec2DiscoveryException.class, failure.getCause());
    assertTrue(cause.getMessage().contains("no AWS credentials"), cause.getMessage());
    assertTrue(cause.getMessage().contains("instance profile"), cause.getMessage());
    assertEquals(List.of(), ec2.requests());
  }

  @Test
  void pekkoDiscoveryLoadsItByNameFromTheConfiguration() throws Exception {
    ec2.answer(200, page(null, reservation("r-0c3", "10.0.3.30", "10.0.3.31")));
    Config config = ConfigFactory.parseMap(Map.of(
            "pekko.discovery.ec2-tags.tag-value", "prod",
            "pekko.discovery.ec2-tags.management-port", 18558,
            "pekko.discovery.ec2-tags.region", "eu-west-1",
            "pekko.discovery.ec2-tags.endpoint", ec2.endpoint().toString()))
        .withFallback(ConfigFactory.load());
    // The default credentials chain reads these first, so nothing reaches beyond the stand-in.
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    ActorTestKit testKit = ActorTestKit.create("ec2-tags", config);
    try {
      ServiceDiscovery discovery = Discovery.get(testKit.system()).loadServiceDiscovery("ec2-tags");

      assertInstanceOf(Ec2TagServiceDiscovery.class, discovery);
      Resolved resolved = await(discovery.lookup("drover", RESOLVE_TIMEOUT));
      assertEquals(List.of("10.0.3.30:18558", "10.0.3.31:18558"), hostsAndPorts(resolved));
      Request request = ec2.requests().get(0);
      assertEquals(Map.of(
          "Filter.1.Name", "instance-state-name", "Filter.1.Value.1", "running",
          "Filter.2.Name", "tag:drover:cluster", "Filter.2.Value.1", "prod",
          "Filter.3.Name", "tag:drover:role", "Filter.3.Value.1", "controller"), filterParameters(request));
      assertTrue(request.authorization().contains("Credential=" + ACCESS_KEY + "/"), request.authorization());
    } finally {
      testKit.shutdownTestKit();
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void aWrongSettingStopsTheLoadNamingItsVariable() {
    Config config = ConfigFactory.parseMap(Map.of("pekko.discovery.ec2-tags.tag-value", ""))
        .withFallback(ConfigFactory.load());
    ActorTestKit testKit = ActorTestKit.create("ec2-tags-misconfigured", config);
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Discovery.get(testKit.system()).loadServiceDiscovery("ec2-tags"));
      assertTrue(e.getMessage().contains("DROVER_EC2_TAG_VALUE"), e.getMessage());
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
