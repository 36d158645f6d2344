package io.drover.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.core.iam.SecretBox;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@code ./drover admin}: users, access keys and policies through the admin API, signed with the
 * caller's AWS credentials (a profile, or the AWS_* environment variables), and a new master key.
 */
public final class AdminCommand {

  public static final String USAGE = """
      usage: ./drover admin [--endpoint-url URL] [--profile NAME] [--region REGION] <command>

        users list                         every user, with its policies and keys (not their secrets)
        users create USER                  a user with no permissions yet
        users get USER
        users delete USER                  only once it has no keys and no policies
        keys list USER
        keys create USER                   prints the new key as a shared-credentials profile; the
                                           secret is shown once and never again
        keys activate|deactivate USER KEY_ID
        keys delete USER KEY_ID
        policies list USER
        policies get USER POLICY
        policies put USER POLICY FILE      an IAM-style policy document (JSON; FILE - reads stdin)
        policies delete USER POLICY
        master-key                         prints a new master key for drover.security.master-key

      The endpoint is --endpoint-url, else DROVER_ENDPOINT, else http://127.0.0.1:8080. Calls are signed
      with --profile, else AWS_PROFILE, else the AWS SDK's default credentials (AWS_ACCESS_KEY_ID and
      AWS_SECRET_ACCESS_KEY, then the default profile). ./drover dev writes an administrator's profile
      "drover" to .drover/dev/aws/credentials, which ./drover admin uses when nothing else is set.
      Policies: docs/security.md.
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final ObjectMapper json = new ObjectMapper();

  private AdminCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command; the process exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return new AdminCommand(out, err).execute(new ArrayList<>(args));
  }

  private int execute(List<String> args) {
    String endpoint = System.getenv().getOrDefault("DROVER_ENDPOINT", "http://127.0.0.1:8080");
    String profile = System.getenv("AWS_PROFILE");
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
    while (!args.isEmpty() && args.get(0).startsWith("--")) {
      String option = args.remove(0);
      if (option.equals("--help")) {
        out.print(USAGE);
        return 0;
      }
      if (args.isEmpty()) {
        return usage(option + " needs a value.");
      }
      String value = args.remove(0);
      switch (option) {
        case "--endpoint-url" -> endpoint = value;
        case "--profile" -> profile = value;
        case "--region" -> region = value;
        default -> {
          return usage("Unknown option " + option + ".");
        }
      }
    }
    if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("-h")) {
      out.print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    if (args.equals(List.of("master-key"))) {
      out.println(SecretBox.newMasterKeyBase64());
      return 0;
    }
    Call call;
    try {
      call = call(args);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    } catch (IOException e) {
      err.println("drover admin: " + e.getMessage());
      return 1;
    }
    AwsCredentialsProvider credentials = profile == null
        ? DefaultCredentialsProvider.builder().build()
        : ProfileCredentialsProvider.builder().profileName(profile).build();
    try {
      SignedClient client = new SignedClient(URI.create(endpoint), region, credentials.resolveCredentials());
      HttpResponse<String> response = client.post("/drover/v1/admin/" + call.operation(), json.writeValueAsString(call.body()));
      JsonNode answer = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
      if (response.statusCode() / 100 != 2) {
        err.println("drover admin: " + call.operation() + " failed (" + response.statusCode() + " "
            + answer.path("__type").asText("") + "): " + answer.path("message").asText(response.body()));
        return 1;
      }
      print(call, answer);
      return 0;
    } catch (SdkClientException e) {
      err.println("drover admin: no AWS credentials to sign with (" + SignedClient.whyNoCredentials(e) + "). Give --profile, or set "
          + "AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an administrator's key.");
      return 1;
    } catch (IOException e) {
      err.println("drover admin: cannot reach Drover at " + endpoint + " (" + e + "). Is a controller running there? "
          + "Give its API with --endpoint-url.");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private record Call(String operation, ObjectNode body) {}

  private Call call(List<String> args) throws IOException {
    String group = args.get(0);
    String action = args.size() > 1 ? args.get(1) : "";
    List<String> rest = args.subList(Math.min(2, args.size()), args.size());
    ObjectNode body = json.createObjectNode();
    switch (group + " " + action) {
      case "users list" -> {
        arguments(rest, 0, "users list");
        return new Call("ListUsers", body);
      }
      case "users create", "users get", "users delete" -> {
        arguments(rest, 1, "users " + action + " USER");
        body.put("userName", rest.get(0));
        return new Call(Map.of("create", "CreateUser", "get", "GetUser", "delete", "DeleteUser").get(action), body);
      }
      case "keys list", "keys create" -> {
        arguments(rest, 1, "keys " + action + " USER");
        body.put("userName", rest.get(0));
        return new Call(action.equals("list") ? "ListAccessKeys" : "CreateAccessKey", body);
      }
      case "keys activate", "keys deactivate", "keys delete" -> {
        arguments(rest, 2, "keys " + action + " USER KEY_ID");
        body.put("userName", rest.get(0));
        body.put("accessKeyId", rest.get(1));
        if (action.equals("delete")) {
          return new Call("DeleteAccessKey", body);
        }
        body.put("status", action.equals("activate") ? "Active" : "Inactive");
        return new Call("UpdateAccessKey", body);
      }
      case "policies list" -> {
        arguments(rest, 1, "policies list USER");
        body.put("userName", rest.get(0));
        return new Call("ListUserPolicies", body);
      }
      case "policies get", "policies delete" -> {
        arguments(rest, 2, "policies " + action + " USER POLICY");
        body.put("userName", rest.get(0));
        body.put("policyName", rest.get(1));
        return new Call(action.equals("get") ? "GetUserPolicy" : "DeleteUserPolicy", body);
      }
      case "policies put" -> {
        arguments(rest, 3, "policies put USER POLICY FILE");
        body.put("userName", rest.get(0));
        body.put("policyName", rest.get(1));
        String document = rest.get(2).equals("-")
            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(rest.get(2)), StandardCharsets.UTF_8);
        body.put("policyDocument", document);
        return new Call("PutUserPolicy", body);
      }
      default -> throw new IllegalArgumentException("Unknown command: " + String.join(" ", args) + ".");
    }
  }

  private static void arguments(List<String> rest, int count, String form) {
    if (rest.size() != count) {
      throw new IllegalArgumentException("usage: ./drover admin " + form);
    }
  }

  private void print(Call call, JsonNode answer) throws IOException {
    if (call.operation().equals("CreateAccessKey")) {
      JsonNode key = answer.path("accessKey");
      out.println("[" + key.path("userName").asText() + "]");
      out.println("aws_access_key_id = " + key.path("accessKeyId").asText());
      out.println("aws_secret_access_key = " + key.path("secretAccessKey").asText());
      err.println("Keep the secret now (for example in ~/.aws/credentials): Drover cannot show it again.");
    } else if (call.operation().equals("GetUserPolicy")) {
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(answer.path("policyDocument").asText())));
    } else if (!answer.isEmpty()) {
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    }
  }

  private int usage(String problem) {
    err.println(problem);
    err.print(USAGE);
    return 2;
  }
}
