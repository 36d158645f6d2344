package io.drover.core.users;

import io.drover.core.controlplane.ControlPlaneRequest;

/**
 * A change to users, their access keys or their policies, as the controllers send it to the control
 * plane. A new key arrives with its id and sealed secret already made: the secret is generated and
 * encrypted on the controller that answers the caller, and never travels in clear.
 */
public sealed interface UserRequest extends ControlPlaneRequest {

  record CreateUser(String userName, long createdAt) implements UserRequest {}

  record DeleteUser(String userName) implements UserRequest {}

  record AddAccessKey(String userName, String accessKeyId, String sealedSecret, long createdAt) implements UserRequest {}

  record UpdateAccessKey(String userName, String accessKeyId, AccessKey.Status status) implements UserRequest {}

  record DeleteAccessKey(String userName, String accessKeyId) implements UserRequest {}

  /** {@code policyDocument} has been checked by the caller ({@code io.drover.core.iam.PolicyDocument}). */
  record PutUserPolicy(String userName, String policyName, String policyDocument) implements UserRequest {}

  record DeleteUserPolicy(String userName, String policyName) implements UserRequest {}
}
