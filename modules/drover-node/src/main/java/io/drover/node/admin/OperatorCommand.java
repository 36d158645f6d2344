package io.drover.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The operators' commands: {@code ./drover status} (the cluster's members with their readiness, and
 * its hosts), {@code ./drover drain HOST_ID} and {@code ./drover undrain HOST_ID}, through the
 * signed API ({@code /drover/v1/cluster}, {@code /drover/v1/hosts/<id>/drain|undrain}) like
 * {@code ./drover admin}.
 */
public final class OperatorCommand {

  static final int DEFAULT_MANAGEMENT_PORT = 8558;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private static final String CONNECTION = """
        --endpoint URL         the API of any controller (also --endpoint-url); else DROVER_ENDPOINT, else
                               http://127.0.0.1:8080
        --profile NAME         sign with this AWS profile; else AWS_PROFILE, else the AWS SDK's default
                               credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then the default
                               profile); ./drover dev's administrator profile when nothing else is set
        --region REGION        the signing region; else AWS_REGION, else us-east-1
      """;

  static final String STATUS_USAGE = """
      usage: ./drover status [--endpoint URL] [--profile NAME] [--management-port N] [--json]

      The cluster as the answering controller sees it: each member (address, roles, status, app
      version, whether it is reachable, whether its /ready probe passes, which controller is the
      oldest and so runs the singletons), then each host (agent): its compute environment, Spot or
      On-Demand, vCPUs and memory in use of its total, running jobs, whether it takes new jobs (or
      was drained, and why) and any Spot interruption notice. Needs drover:DescribeCluster.

      """ + CONNECTION + """
        --management-port N    the members' Pekko Management port, where /ready is probed (default 8558);
                               a member that does not answer within 2 s shows "unknown (why)"
        --json                 print the API's answer, each member with its "ready", instead of tables
      """;

  static final String DRAIN_USAGE = """
      usage: ./drover drain HOST_ID [--reason TEXT] [--endpoint URL] [--profile NAME]

      Stops placing new jobs on the host whose agent id is HOST_ID (./drover status lists them); the
      jobs it runs go on to their end. The drain is durable: it holds across agent restarts and
      controller failover until ./drover undrain HOST_ID. Draining a drained host again replaces the
      reason. Needs drover:DrainHost on arn:aws:batch:<region>:<account>:host/HOST_ID.

        --reason TEXT          why, for the other operators (at most 256 characters)
      """ + CONNECTION;

  static final String UNDRAIN_USAGE = """
      usage: ./drover undrain HOST_ID [--endpoint URL] [--profile NAME]

      Lets the scheduler place jobs on a drained host again. A host that is drained but no longer
      connected can be undrained too. Needs drover:UndrainHost on
      arn:aws:batch:<region>:<account>:host/HOST_ID.

      """ + CONNECTION;

  /** The command line, parsed. */
  record Options(String command, String endpoint, String profile, String region, int managementPort, boolean json,
      String hostId, String reason, boolean help) {}

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }

  private final PrintStream out;
  private final PrintStream err;
  private final ObjectMapper json = new ObjectMapper();

  private OperatorCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs {@code command} ({@code status}, {@code drain} or {@code undrain}) signed with the
   * credentials the options and environment name; the process exit code.
   */
  public static int run(String command, List<String> args, PrintStream out, PrintStream err) {
    return run(command, args, null, out, err);
  }

  /** As {@link #run(String, List, PrintStream, PrintStream)}, signing with {@code credentials} when not null. */
  public static int run(String command, List<String> args, AwsCredentialsIdentity credentials, PrintStream out,
      PrintStream err) {
    Options options;
    try {
      options = parse(command, args, System.getenv());
    } catch (UsageException e) {
      err.println("drover " + command + ": " + e.getMessage());
      err.print(usage(command));
      return 2;
    }
    if (options.help()) {
      out.print(usage(command));
      return 0;
    }
    return new OperatorCommand(out, err).execute(options, credentials);
  }

  static String usage(String command) {
    return switch (command) {
      case "drain" -> DRAIN_USAGE;
      case "undrain" -> UNDRAIN_USAGE;
      default -> STATUS_USAGE;
    };
  }

  /** Parses the arguments of {@code command}; {@code env} gives the defaults (DROVER_ENDPOINT, AWS_PROFILE, AWS_REGION). */
  static Options parse(String command, List<String> args, Map<String, String> env) {
    if (!List.of("status", "drain", "undrain").contains(command)) {
      throw new UsageException("unknown command " + command + ".");
    }
    String endpoint = env.getOrDefault("DROVER_ENDPOINT", "http://127.0.0.1:8080");
    String profile = env.get("AWS_PROFILE");
    String region = env.getOrDefault("AWS_REGION", "us-east-1");
    int managementPort = DEFAULT_MANAGEMENT_PORT;
    boolean printJson = false;
    String reason = null;
    List<String> positional = new ArrayList<>();
    List<String> rest = new ArrayList<>(args);
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Options(command, endpoint, profile, region, managementPort, printJson, null, null, true);
      }
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      if (arg.equals("--json") && command.equals("status")) {
        printJson = true;
        continue;
      }
      boolean known = switch (arg) {
        case "--endpoint", "--endpoint-url", "--profile", "--region" -> true;
        case "--management-port" -> command.equals("status");
        case "--reason" -> command.equals("drain");
        default -> false;
      };
      if (!known) {
        throw new UsageException("unknown option " + arg + ".");
      }
      if (rest.isEmpty()) {
        throw new UsageException(arg + " needs a value.");
      }
      String value = rest.remove(0);
      switch (arg) {
        case "--endpoint", "--endpoint-url" -> endpoint = endpoint(value);
        case "--profile" -> profile = value;
        case "--region" -> region = value;
        case "--management-port" -> managementPort = port(value);
        default -> reason = value;
      }
    }
    String hostId = null;
    if (command.equals("status")) {
      if (!positional.isEmpty()) {
        throw new UsageException("status takes no arguments, not " + positional + ".");
      }
    } else {
      if (positional.size() != 1) {
        throw new UsageException(command + " needs exactly one HOST_ID (an agent id, as ./drover status lists them), "
            + "not " + positional + ".");
      }
      hostId = positional.get(0);
    }
    if (reason != null && reason.length() > 256) {
      throw new UsageException("--reason must be at most 256 characters, not " + reason.length() + ".");
    }
    return new Options(command, endpoint, profile, region, managementPort, printJson, hostId, reason, false);
  }

  private static String endpoint(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--endpoint '" + value + "' is not a URL such as http://controller-1:8080.");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new UsageException("--endpoint '" + value + "' is not a URL such as http://controller-1:8080.");
    }
    return value;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below, with what a port is.
    }
    throw new UsageException("--management-port must be a port number from 1 to 65535, not '" + value + "'.");
  }

  private int execute(Options options, AwsCredentialsIdentity given) {
    String name = "drover " + options.command();
    SignedClient client;
    try {
      AwsCredentialsIdentity credentials = given != null ? given : credentials(options.profile()).resolveCredentials();
      client = new SignedClient(URI.create(options.endpoint()), options.region(), credentials);
    } catch (SdkClientException e) {
      err.println(name + ": no AWS credentials to sign with (" + SignedClient.whyNoCredentials(e) + "). Give --profile, or set "
          + "AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an operator's key.");
      return 1;
    }
    try {
      if (options.command().equals("status")) {
        return status(client, options);
      }
      String path = "/drover/v1/hosts/" + URLEncoder.encode(options.hostId(), StandardCharsets.UTF_8).replace("+", "%20")
          + "/" + options.command();
      ObjectNode body = json.createObjectNode();
      if (options.reason() != null) {
        body.put("reason", options.reason());
      }
      JsonNode host = call(name, client.post(path, json.writeValueAsString(body)), "POST " + path);
      if (host == null) {
        return 1;
      }
      out.print(StatusReport.hosts(json.createObjectNode().set("hosts", json.createArrayNode().add(host))));
      return 0;
    } catch (IOException e) {
      err.println(name + ": cannot reach Drover at " + options.endpoint() + " (" + e + "). Is a controller running "
          + "there? Give its API with --endpoint.");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static AwsCredentialsProvider credentials(String profile) {
    return profile == null
        ? DefaultCredentialsProvider.builder().build()
        : ProfileCredentialsProvider.builder().profileName(profile).build();
  }

  private int status(SignedClient client, Options options) throws IOException, InterruptedException {
    JsonNode cluster = call("drover status", client.get("/drover/v1/cluster"), "GET /drover/v1/cluster");
    if (cluster == null) {
      return 1;
    }
    Map<String, String> readiness = readiness(client.http(), cluster, options.managementPort());
    if (options.json()) {
      for (JsonNode member : cluster.path("members")) {
        ((ObjectNode) member).put("ready", readiness.get(member.path("address").asText()));
      }
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(cluster));
      return 0;
    }
    out.println("Members (as " + cluster.path("selfAddress").asText() + " sees them):");
    out.print(StatusReport.members(cluster, readiness));
    out.println();
    out.println("Hosts:");
    out.print(StatusReport.hosts(cluster));
    return 0;
  }

  /** The answer's JSON, or null after reporting a failed call. */
  private JsonNode call(String name, HttpResponse<String> response, String what) throws IOException {
    JsonNode answer = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
    if (response.statusCode() / 100 != 2) {
      err.println(name + ": " + what + " failed (" + response.statusCode() + " " + answer.path("__type").asText("")
          + "): " + answer.path("message").asText(response.body()));
      return null;
    }
    return answer;
  }

  /** Probes every member's {@code /ready} at once, each for at most {@link #PROBE_TIMEOUT}; by address. */
  static Map<String, String> readiness(HttpClient http, JsonNode cluster, int managementPort) {
    Map<String, CompletableFuture<String>> probes = new LinkedHashMap<>();
    for (JsonNode member : cluster.path("members")) {
      String host = member.path("host").asText("");
      String address = member.path("address").asText();
      if (host.isEmpty()) {
        probes.put(address, CompletableFuture.completedFuture("unknown (the member's address has no host)"));
        continue;
      }
      String hostPart = host.contains(":") ? "[" + host + "]" : host;
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPart + ":" + managementPort + "/ready"))
          .timeout(PROBE_TIMEOUT).GET().build();
      probes.put(address, http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .thenApply(response -> response.statusCode() == 200 ? "ready" : "not ready (HTTP " + response.statusCode() + ")")
          .exceptionally(OperatorCommand::unknown));
    }
    Map<String, String> readiness = new LinkedHashMap<>();
    probes.forEach((address, probe) -> readiness.put(address, probe.join()));
    return readiness;
  }

  private static String unknown(Throwable failure) {
    Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
      return "unknown (no answer within " + PROBE_TIMEOUT.toSeconds() + " s)";
    }
    if (e instanceof ConnectException) {
      return "unknown (connection refused: is --management-port right?)";
    }
    return "unknown (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
  }
}
