package io.drover.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.core.ClientError;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.iam.AccessKeys;
import io.drover.core.iam.PolicyDocument;
import io.drover.core.iam.SecretBox;
import io.drover.core.model.AwsIdentity;
import io.drover.core.users.AccessKey;
import io.drover.core.users.User;
import io.drover.core.users.UserRequest;
import io.drover.core.users.UserRules;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Users, access keys and inline policies, managed by administrators: {@code POST
 * /drover/v1/admin/<operation>} with IAM's operation names and JSON shapes (CreateUser,
 * CreateAccessKey, PutUserPolicy, ...), each allowed by the IAM action of the same name
 * ({@code iam:CreateUser}) on the user's ARN. {@code ./drover admin} calls it.
 */
public final class AdminApi {

  record UserName(String userName) {}

  record NoInput() {}

  record KeyRef(String userName, String accessKeyId) {}

  record KeyStatus(String userName, String accessKeyId, AccessKey.Status status) {}

  record PolicyRef(String userName, String policyName) {}

  /** IAM takes the document as a JSON string; an object is accepted too. */
  record PutPolicy(String userName, String policyName, JsonNode policyDocument) {}

  record UserView(String userName, String arn, String createDate, List<String> policyNames, List<KeyView> accessKeys) {}

  record KeyView(String userName, String accessKeyId, AccessKey.Status status, String createDate) {}

  record NewKey(String userName, String accessKeyId, String secretAccessKey, AccessKey.Status status, String createDate) {}

  record UserResponse(UserView user) {}

  record UsersResponse(List<UserView> users) {}

  record KeyResponse(NewKey accessKey) {}

  record KeysResponse(List<KeyView> accessKeyMetadata) {}

  record PolicyResponse(String userName, String policyName, String policyDocument) {}

  record PolicyNamesResponse(List<String> policyNames) {}

  private record Operation<T>(Class<T> type, BiFunction<Access, T, CompletionStage<?>> handler) {}

  private final ObjectMapper json;
  private final ControlPlaneClient controlPlane;
  private final SecretBox secrets;
  private final AwsIdentity identity;
  private final Map<String, Operation<?>> operations;

  public AdminApi(ObjectMapper json, ControlPlaneClient controlPlane, SecretBox secrets, AwsIdentity identity) {
    this.json = json;
    this.controlPlane = controlPlane;
    this.secrets = secrets;
    this.identity = identity;
    this.operations = Map.ofEntries(
        operation("CreateUser", UserName.class, (a, r) -> {
          a.require("iam:CreateUser", userArn(r.userName()));
          return controlPlane.execute(new UserRequest.CreateUser(r.userName(), System.currentTimeMillis()))
              .thenApply(e -> new UserResponse(view(controlPlane.state(), r.userName())));
        }),
        operation("GetUser", UserName.class, (a, r) -> {
          a.require("iam:GetUser", userArn(r.userName()));
          return controlPlane.read(state -> new UserResponse(view(state, r.userName())));
        }),
        operation("ListUsers", NoInput.class, (a, r) -> {
          a.requireSomewhere("iam:ListUsers", identity.userArn("*"));
          ControlPlaneState state = controlPlane.state();
          return done(new UsersResponse(state.users().values().stream()
              .filter(u -> a.allows("iam:ListUsers", u.arn()))
              .map(u -> view(state, u.userName()))
              .toList()));
        }),
        operation("DeleteUser", UserName.class, (a, r) -> {
          a.require("iam:DeleteUser", userArn(r.userName()));
          return controlPlane.execute(new UserRequest.DeleteUser(r.userName())).thenApply(e -> new Responses.Empty());
        }),
        operation("CreateAccessKey", UserName.class, (a, r) -> {
          a.require("iam:CreateAccessKey", userArn(r.userName()));
          String id = AccessKeys.newAccessKeyId();
          String secret = AccessKeys.newSecretAccessKey();
          long now = System.currentTimeMillis();
          return controlPlane.execute(new UserRequest.AddAccessKey(r.userName(), id, secrets.seal(secret), now))
              .thenApply(e -> new KeyResponse(
                  new NewKey(r.userName(), id, secret, AccessKey.Status.Active, Instant.ofEpochMilli(now).toString())));
        }),
        operation("ListAccessKeys", UserName.class, (a, r) -> {
          a.require("iam:ListAccessKeys", userArn(r.userName()));
          return controlPlane.read(state -> new KeysResponse(view(state, r.userName()).accessKeys()));
        }),
        operation("UpdateAccessKey", KeyStatus.class, (a, r) -> {
          a.require("iam:UpdateAccessKey", userArn(r.userName()));
          return controlPlane.execute(new UserRequest.UpdateAccessKey(r.userName(), r.accessKeyId(), r.status()))
              .thenApply(e -> new Responses.Empty());
        }),
        operation("DeleteAccessKey", KeyRef.class, (a, r) -> {
          a.require("iam:DeleteAccessKey", userArn(r.userName()));
          return controlPlane.execute(new UserRequest.DeleteAccessKey(r.userName(), r.accessKeyId()))
              .thenApply(e -> new Responses.Empty());
        }),
        operation("PutUserPolicy", PutPolicy.class, (a, r) -> {
          a.require("iam:PutUserPolicy", userArn(r.userName()));
          String document = policyDocument(r.policyDocument());
          return controlPlane.execute(new UserRequest.PutUserPolicy(r.userName(), r.policyName(), document))
              .thenApply(e -> new Responses.Empty());
        }),
        operation("GetUserPolicy", PolicyRef.class, (a, r) -> {
          a.require("iam:GetUserPolicy", userArn(r.userName()));
          return controlPlane.read(state -> {
            User user = controlPlane.rules().users().user(state, r.userName());
            String document = user.policies().get(ClientError.required(r.policyName(), "policyName"));
            ClientError.require(document != null,
                "policyName '" + r.policyName() + "' is not a policy of user '" + user.userName() + "'.");
            return new PolicyResponse(user.userName(), r.policyName(), document);
          });
        }),
        operation("ListUserPolicies", UserName.class, (a, r) -> {
          a.require("iam:ListUserPolicies", userArn(r.userName()));
          return controlPlane.read(state -> new PolicyNamesResponse(view(state, r.userName()).policyNames()));
        }),
        operation("DeleteUserPolicy", PolicyRef.class, (a, r) -> {
          a.require("iam:DeleteUserPolicy", userArn(r.userName()));
          return controlPlane.execute(new UserRequest.DeleteUserPolicy(r.userName(), r.policyName()))
              .thenApply(e -> new Responses.Empty());
        }));
  }

  private static <T> Map.Entry<String, Operation<?>> operation(
      String name, Class<T> type, BiFunction<Access, T, CompletionStage<?>> handler) {
    return Map.entry(name.toLowerCase(Locale.ROOT), new Operation<>(type, handler));
  }

  /** Runs an admin operation for a caller. */
  public CompletionStage<?> handle(Access access, String operation, String body) {
    Operation<?> op = operations.get(operation.toLowerCase(Locale.ROOT));
    if (op == null) {
      throw ApiException.notFound("UnknownOperationException", "Unknown admin operation '" + operation
          + "'. The admin API is POST /drover/v1/admin/<operation>, for example /drover/v1/admin/CreateUser.");
    }
    return run(op, access, body);
  }

  /** The admin operations this API serves, in lower case. */
  public Set<String> operationNames() {
    return operations.keySet();
  }

  /** True for an admin operation this API serves (any case). */
  public boolean knows(String operation) {
    return operations.containsKey(operation.toLowerCase(Locale.ROOT));
  }

  /** True for admin operations that only read: their signed requests may be repeated. */
  public static boolean readsOnly(String operation) {
    String name = operation.toLowerCase(Locale.ROOT);
    return name.startsWith("get") || name.startsWith("list");
  }

  private <T> CompletionStage<?> run(Operation<T> op, Access access, String body) {
    return op.handler().apply(access, BatchApi.parse(json, body, op.type()));
  }

  private String userArn(String userName) {
    return identity.userArn(UserRules.userName(userName));
  }

  /** Checks a policy document and returns it as compact JSON text. */
  private String policyDocument(JsonNode document) {
    ClientError.required(document, "policyDocument");
    try {
      JsonNode tree = document.isTextual() ? json.readTree(document.textValue()) : document;
      PolicyDocument.parse(json.treeToValue(tree, Object.class), "policyDocument");
      return json.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new ClientError("policyDocument is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private UserView view(ControlPlaneState state, String userName) {
    User user = controlPlane.rules().users().user(state, userName);
    return new UserView(user.userName(), user.arn(), Instant.ofEpochMilli(user.createdAt()).toString(),
        List.copyOf(user.policies().keySet()),
        state.accessKeysOf(user.userName()).stream()
            .map(k -> new KeyView(k.userName(), k.accessKeyId(), k.status(), Instant.ofEpochMilli(k.createdAt()).toString()))
            .toList());
  }

  private static CompletionStage<Object> done(Object value) {
    return CompletableFuture.completedFuture(value);
  }
}
