package io.drover.core.users;

import io.drover.core.ClientError;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneEvent.AccessKeyCreated;
import io.drover.core.controlplane.ControlPlaneEvent.AccessKeyDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.AccessKeyUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.UserCreated;
import io.drover.core.controlplane.ControlPlaneEvent.UserDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.UserUpdated;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.model.AwsIdentity;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for users, access keys and inline policies, as IAM has them: names of word characters
 * and {@code +=,.@-}, at most two access keys per user (so a key can be rotated), and a user is
 * deleted only once it has no keys and no policies left.
 */
public final class UserRules {

  /** As many keys as IAM allows a user: enough to rotate one without a gap. */
  public static final int MAX_ACCESS_KEYS = 2;

  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern POLICY_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");
  private static final int MAX_POLICY_BYTES = 10_240;

  private final AwsIdentity identity;

  public UserRules(AwsIdentity identity) {
    this.identity = identity;
  }

  public ControlPlaneEvent execute(ControlPlaneState state, UserRequest request) {
    if (request instanceof UserRequest.CreateUser r) {
      String name = userName(r.userName());
      ClientError.require(!state.users().containsKey(name), "userName '" + name + "' already exists.");
      return new UserCreated(new User(name, identity.userArn(name), r.createdAt(), new TreeMap<>()));
    } else if (request instanceof UserRequest.DeleteUser r) {
      User user = user(state, r.userName());
      List<String> keys = state.accessKeysOf(user.userName()).stream().map(AccessKey::accessKeyId).toList();
      ClientError.require(keys.isEmpty(), "userName '" + user.userName() + "' still has access keys " + keys
          + "; delete them first (DeleteAccessKey).");
      ClientError.require(user.policies().isEmpty(), "userName '" + user.userName() + "' still has policies "
          + user.policies().keySet() + "; delete them first (DeleteUserPolicy).");
      return new UserDeleted(user.userName());
    } else if (request instanceof UserRequest.AddAccessKey r) {
      User user = user(state, r.userName());
      ClientError.require(state.accessKeysOf(user.userName()).size() < MAX_ACCESS_KEYS, "userName '"
          + user.userName() + "' already has " + MAX_ACCESS_KEYS + " access keys; delete one before creating another.");
      ClientError.required(r.accessKeyId(), "accessKeyId");
      ClientError.required(r.sealedSecret(), "sealedSecret");
      ClientError.require(!state.accessKeys().containsKey(r.accessKeyId()), "accessKeyId '" + r.accessKeyId() + "' exists.");
      return new AccessKeyCreated(
          new AccessKey(r.accessKeyId(), user.userName(), r.sealedSecret(), AccessKey.Status.Active, r.createdAt()));
    } else if (request instanceof UserRequest.UpdateAccessKey r) {
      AccessKey key = accessKey(state, r.userName(), r.accessKeyId());
      ClientError.required(r.status(), "status");
      return new AccessKeyUpdated(key.withStatus(r.status()));
    } else if (request instanceof UserRequest.DeleteAccessKey r) {
      return new AccessKeyDeleted(accessKey(state, r.userName(), r.accessKeyId()).accessKeyId());
    } else if (request instanceof UserRequest.PutUserPolicy r) {
      User user = user(state, r.userName());
      String policyName = policyName(r.policyName());
      ClientError.required(r.policyDocument(), "policyDocument");
      ClientError.require(r.policyDocument().length() <= MAX_POLICY_BYTES,
          "policyDocument is " + r.policyDocument().length() + " characters; at most " + MAX_POLICY_BYTES + " are allowed.");
      return new UserUpdated(user.withPolicy(policyName, r.policyDocument()));
    } else if (request instanceof UserRequest.DeleteUserPolicy r) {
      User user = user(state, r.userName());
      String policyName = policyName(r.policyName());
      ClientError.require(user.policies().containsKey(policyName),
          "policyName '" + policyName + "' is not a policy of user '" + user.userName() + "'.");
      return new UserUpdated(user.withoutPolicy(policyName));
    }
    throw new IllegalArgumentException("Unknown user request " + request);
  }

  /** The user named, or a {@link ClientError} naming {@code userName}. */
  public User user(ControlPlaneState state, String userName) {
    String name = userName(userName);
    User user = state.users().get(name);
    ClientError.require(user != null, "userName '" + name + "' does not exist.");
    return user;
  }

  private AccessKey accessKey(ControlPlaneState state, String userName, String accessKeyId) {
    User user = user(state, userName);
    ClientError.required(accessKeyId, "accessKeyId");
    AccessKey key = state.accessKeys().get(accessKeyId);
    ClientError.require(key != null && key.userName().equals(user.userName()),
        "accessKeyId '" + accessKeyId + "' is not an access key of user '" + user.userName() + "'.");
    return key;
  }

  public static String userName(String value) {
    ClientError.required(value, "userName");
    ClientError.require(USER_NAME.matcher(value).matches(),
        "userName '" + value + "' must be 1 to 64 letters, digits and + = , . @ _ - characters.");
    return value;
  }

  private static String policyName(String value) {
    ClientError.required(value, "policyName");
    ClientError.require(POLICY_NAME.matcher(value).matches(),
        "policyName '" + value + "' must be 1 to 128 letters, digits and + = , . @ _ - characters.");
    return value;
  }
}
