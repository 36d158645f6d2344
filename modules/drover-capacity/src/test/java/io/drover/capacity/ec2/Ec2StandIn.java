package io.drover.capacity.ec2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A stand-in for the EC2 Query API on 127.0.0.1: it records the form parameters of every request the
 * SDK sends and answers each with the handler set for its Action (real EC2 XML), or a 500 error when
 * there is none. Handlers see every attempt, SDK retries included.
 */
public final class Ec2StandIn implements AutoCloseable {

  private static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
  private static final String LOOPBACK = "127.0.0.1";

  /** A request as received: its form parameters. */
  public record Request(Map<String, String> form) {

    public String action() {
      return form.get("Action");
    }

    public String get(String name) {
      return form.get(name);
    }

    /** The parameters under a prefix, the prefix removed, sorted by name. */
    public Map<String, String> under(String prefix) {
      Map<String, String> found = new TreeMap<>();
      form.forEach((name, value) -> {
        if (name.startsWith(prefix)) {
          found.put(name.substring(prefix.length()), value);
        }
      });
      return found;
    }

    /** The tags of a tag specification list ({@code TagSpecification.1.}, ...): key to value. */
    public Map<String, String> tags(String specificationPrefix) {
      Map<String, String> tags = new LinkedHashMap<>();
      for (int i = 1; form.containsKey(specificationPrefix + "Tag." + i + ".Key"); i++) {
        tags.put(form.get(specificationPrefix + "Tag." + i + ".Key"), form.get(specificationPrefix + "Tag." + i + ".Value"));
      }
      return tags;
    }
  }

  /** An answer: HTTP status and body. */
  public record Answer(int status, String xml) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Request, Answer>> handlers = new ConcurrentHashMap<>();

  public Ec2StandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://" + LOOPBACK + ":" + server.getAddress().getPort());
  }

  /**
   * The real SDK client, pointed at this stand-in with static credentials, retrying at once
   * ({@code maxAttempts} attempts in all) so that tests are fast and exact.
   */
  public Ec2Client client(int maxAttempts) {
    return Ec2Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDSTANDINEXAMPLE01", "stand-in-secret-key")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(maxAttempts)
            .backoffStrategy(BackoffStrategy.retryImmediately())
            .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
            .circuitBreakerEnabled(false)
            .build()))
        .build();
  }

  /** Answers every request with this Action by {@code handler}. */
  public void on(String action, Function<Request, Answer> handler) {
    handlers.put(action, handler);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(String action) {
    return requests.stream().filter(r -> action.equals(r.action())).toList();
  }

  public List<String> actions() {
    return requests.stream().map(Request::action).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Request request = new Request(form(body));
    requests.add(request);
    Function<Request, Answer> handler = handlers.get(String.valueOf(request.action()));
    Answer answer = handler == null
        ? error(500, "InternalError", "The stand-in has no answer for " + request.action() + ".")
        : handler.apply(request);
    byte[] bytes = answer.xml().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return form;
  }

  private static Answer ok(String action, String content) {
    return new Answer(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<" + action + "Response xmlns=\"" + NAMESPACE + "\">"
        + "<requestId>59dbff89-35bd-4eac-99ed-be587ed81825</requestId>" + content
        + "</" + action + "Response>\n");
  }

  /** An EC2 error answer. */
  public static Answer error(int status, String code, String message) {
    return new Answer(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error></Errors>"
        + "<RequestID>ea966190-f9aa-478e-9ede-cb5432daacc0</RequestID></Response>\n");
  }

  public static Answer launchTemplateCreated(String templateId, String name) {
    return ok("CreateLaunchTemplate", "<launchTemplate><launchTemplateId>" + templateId + "</launchTemplateId>"
        + "<launchTemplateName>" + name + "</launchTemplateName><defaultVersionNumber>1</defaultVersionNumber>"
        + "<latestVersionNumber>1</latestVersionNumber></launchTemplate>");
  }

  public static Answer launchTemplateVersionCreated(String templateId, long version) {
    return ok("CreateLaunchTemplateVersion", "<launchTemplateVersion><launchTemplateId>" + templateId
        + "</launchTemplateId><versionNumber>" + version + "</versionNumber></launchTemplateVersion>");
  }

  public static Answer latestVersion(String templateId, String name, long version, String description) {
    return ok("DescribeLaunchTemplateVersions", "<launchTemplateVersionSet><item><launchTemplateId>" + templateId
        + "</launchTemplateId><launchTemplateName>" + name + "</launchTemplateName><versionNumber>" + version
        + "</versionNumber><versionDescription>" + description + "</versionDescription>"
        + "<defaultVersion>false</defaultVersion></item></launchTemplateVersionSet>");
  }

  /** One instant fleet's instances: ids of one type in one subnet. */
  public record FleetInstances(String instanceType, String subnetId, String lifecycle, String... instanceIds) {}

  /** One instant fleet error, for one override. */
  public record FleetError(String instanceType, String subnetId, String code, String message) {}

  public static Answer fleet(List<FleetInstances> instances, List<FleetError> errors) {
    String errorSet = errors.stream().map(e -> "<item>" + overrides(e.instanceType(), e.subnetId())
        + "<lifecycle>spot</lifecycle><errorCode>" + e.code() + "</errorCode><errorMessage>" + e.message()
        + "</errorMessage></item>").collect(Collectors.joining());
    String instanceSet = instances.stream().map(i -> "<item>" + overrides(i.instanceType(), i.subnetId())
        + "<lifecycle>" + i.lifecycle() + "</lifecycle><instanceIds>"
        + Stream.of(i.instanceIds()).map(id -> "<item>" + id + "</item>").collect(Collectors.joining())
        + "</instanceIds><instanceType>" + i.instanceType() + "</instanceType><platform>Linux/UNIX</platform></item>")
        .collect(Collectors.joining());
    return ok("CreateFleet", "<fleetId>fleet-e678bfc6-c2b5-4d8b-8b6c-2ab1f3c7e2a1</fleetId>"
        + "<errorSet>" + errorSet + "</errorSet><fleetInstanceSet>" + instanceSet + "</fleetInstanceSet>");
  }

  private static String overrides(String instanceType, String subnetId) {
    return "<launchTemplateAndOverrides><launchTemplateSpecification><launchTemplateId>lt-0abc</launchTemplateId>"
        + "<version>1</version></launchTemplateSpecification><overrides><instanceType>" + instanceType
        + "</instanceType><subnetId>" + subnetId + "</subnetId></overrides></launchTemplateAndOverrides>";
  }

  public static Answer instancesRun(String instanceType, String subnetId, String... instanceIds) {
    String items = Stream.of(instanceIds).map(id -> "<item><instanceId>" + id + "</instanceId><instanceType>"
        + instanceType + "</instanceType><subnetId>" + subnetId + "</subnetId><instanceState><code>0</code>"
        + "<name>pending</name></instanceState></item>").collect(Collectors.joining());
    return ok("RunInstances", "<reservationId>r-0123456789abcdef0</reservationId><ownerId>123456789012</ownerId>"
        + "<groupSet/><instancesSet>" + items + "</instancesSet>");
  }

  public static Answer terminating(List<String> instanceIds) {
    String items = instanceIds.stream().map(id -> "<item><instanceId>" + id + "</instanceId><currentState><code>32"
        + "</code><name>shutting-down</name></currentState><previousState><code>16</code><name>running</name>"
        + "</previousState></item>").collect(Collectors.joining());
    return ok("TerminateInstances", "<instancesSet>" + items + "</instancesSet>");
  }

  /** A DescribeInstances page; {@code nextToken} null on the last. */
  public static Answer instancesPage(String nextToken, String... instances) {
    return ok("DescribeInstances", "<reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012"
        + "</ownerId><groupSet/><instancesSet>" + String.join("", instances) + "</instancesSet></item></reservationSet>"
        + (nextToken == null ? "" : "<nextToken>" + nextToken + "</nextToken>"));
  }

  /**
   * An instance of a DescribeInstances answer.
   *
   * @param lifecycle {@code spot}, or null for On-Demand
   * @param cores the CPU options' core count (2 threads per core), or 0 for none
   */
  static String instance(String id, String type, String state, String lifecycle, String privateIp, int cores) {
    return "<item><instanceId>" + id + "</instanceId><imageId>ami-0abcdef1234567890</imageId>"
        + "<instanceState><code>" + ("running".equals(state) ? 16 : 0) + "</code><name>" + state + "</name>"
        + "</instanceState><instanceType>" + type + "</instanceType><launchTime>2025-03-01T10:15:30.000Z</launchTime>"
        + "<subnetId>subnet-a</subnetId>"
        + (privateIp == null ? "" : "<privateIpAddress>" + privateIp + "</privateIpAddress>")
        + (lifecycle == null ? "" : "<instanceLifecycle>" + lifecycle + "</instanceLifecycle>")
        + (cores == 0 ? "" : "<cpuOptions><coreCount>" + cores + "</coreCount><threadsPerCore>2</threadsPerCore>"
            + "</cpuOptions>")
        + "</item>";
  }

  /** A DescribeInstanceTypes answer: {@code type:vcpus:memoryMib} for each type. */
  public static Answer instanceTypes(String... shapes) {
    String items = Stream.of(shapes).map(shape -> shape.split(":")).map(s -> "<item><instanceType>" + s[0]
        + "</instanceType><bareMetal>false</bareMetal><vCpuInfo><defaultVCpus>" + s[1] + "</defaultVCpus></vCpuInfo>"
        + "<memoryInfo><sizeInMiB>" + s[2] + "</sizeInMiB></memoryInfo></item>").collect(Collectors.joining());
    return ok("DescribeInstanceTypes", "<instanceTypeSet>" + items + "</instanceTypeSet>");
  }

  /** A DescribeSpotPriceHistory page of {@link #spotPrice} items; {@code nextToken} null on the last. */
  public static Answer spotPriceHistory(String nextToken, String... prices) {
    return ok("DescribeSpotPriceHistory", "<spotPriceHistorySet>" + String.join("", prices) + "</spotPriceHistorySet>"
        + "<nextToken>" + (nextToken == null ? "" : nextToken) + "</nextToken>");
  }

  /** A Spot price history entry: {@code price} USD per hour since {@code timestamp} (ISO-8601). */
  public static String spotPrice(String type, String zone, String price, String timestamp) {
    return "<item><instanceType>" + type + "</instanceType><productDescription>Linux/UNIX</productDescription>"
        + "<spotPrice>" + price + "</spotPrice><timestamp>" + timestamp + "</timestamp>"
        + "<availabilityZone>" + zone + "</availabilityZone></item>";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
