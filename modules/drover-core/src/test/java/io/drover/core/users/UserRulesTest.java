package io.drover.core.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ClientError;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.model.AwsIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserRulesTest {

  private static final ControlPlaneRules RULES = new ControlPlaneRules(new AwsIdentity("us-east-1", "123456789012"));
  private static final String POLICY = "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}";

  private static ControlPlaneState apply(ControlPlaneState state, UserRequest request) {
    return state.apply(RULES.execute(state, request));
  }

  private static String refused(ControlPlaneState state, UserRequest request) {
    return assertThrows(ClientError.class, () -> RULES.execute(state, request)).getMessage();
  }

  @Test
  void aUserGetsAnIamArnKeysAndPolicies() {
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new UserRequest.CreateUser("alice", 5));
    state = apply(state, new UserRequest.AddAccessKey("alice", "AKIAAAAAAAAAAAAAAAA1", "v1:sealed", 6));
    state = apply(state, new UserRequest.PutUserPolicy("alice", "all", POLICY));

    User alice = state.users().get("alice");
    assertEquals("arn:aws:iam::123456789012:user/alice", alice.arn());
    assertEquals(POLICY, alice.policies().get("all"));
    AccessKey key = state.accessKeys().get("AKIAAAAAAAAAAAAAAAA1");
    assertEquals(AccessKey.Status.Active, key.status());
    assertEquals("v1:sealed", key.sealedSecret());
    assertEquals(List.of(key), state.accessKeysOf("alice"));
  }

  @Test
  void namesFollowIamAndDuplicatesAreRefused() {
    assertTrue(refused(ControlPlaneState.EMPTY, new UserRequest.CreateUser("a b", 1)).startsWith("userName 'a b' must be"));
    assertEquals("userName is required.", refused(ControlPlaneState.EMPTY, new UserRequest.CreateUser(null, 1)));
    assertTrue(refused(ControlPlaneState.EMPTY, new UserRequest.CreateUser("x".repeat(65), 1)).contains("1 to 64"));
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new UserRequest.CreateUser("ci+bot@example.com", 1));
    assertEquals("userName 'ci+bot@example.com' already exists.",
        refused(state, new UserRequest.CreateUser("ci+bot@example.com", 2)));
    assertTrue(refused(state, new UserRequest.PutUserPolicy("ci+bot@example.com", "no/slash", POLICY))
        .startsWith("policyName 'no/slash' must be"));
  }

  @Test
  void atMostTwoKeysAndOnlyTheUsersOwn() {
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new UserRequest.CreateUser("alice", 1));
    state = apply(state, new UserRequest.CreateUser("bob", 1));
    state = apply(state, new UserRequest.AddAccessKey("alice", "AKIAAAAAAAAAAAAAAAA1", "v1:a", 2));
    state = apply(state, new UserRequest.AddAccessKey("alice", "AKIAAAAAAAAAAAAAAAA2", "v1:b", 3));
    assertTrue(refused(state, new UserRequest.AddAccessKey("alice", "AKIAAAAAAAAAAAAAAAA3", "v1:c", 4))
        .contains("already has 2 access keys"));
    assertEquals("accessKeyId 'AKIAAAAAAAAAAAAAAAA1' is not an access key of user 'bob'.",
        refused(state, new UserRequest.DeleteAccessKey("bob", "AKIAAAAAAAAAAAAAAAA1")));
    assertEquals("userName 'carol' does not exist.", refused(state, new UserRequest.AddAccessKey("carol", "K", "v1:x", 1)));

    state = apply(state, new UserRequest.UpdateAccessKey("alice", "AKIAAAAAAAAAAAAAAAA1", AccessKey.Status.Inactive));
    assertEquals(AccessKey.Status.Inactive, state.accessKeys().get("AKIAAAAAAAAAAAAAAAA1").status());
    state = apply(state, new UserRequest.DeleteAccessKey("alice", "AKIAAAAAAAAAAAAAAAA1"));
    assertFalse(state.accessKeys().containsKey("AKIAAAAAAAAAAAAAAAA1"));
  }

  @Test
  void aUserIsDeletedOnlyWithoutKeysAndPolicies() {
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new UserRequest.CreateUser("alice", 1));
    state = apply(state, new UserRequest.AddAccessKey("alice", "AKIAAAAAAAAAAAAAAAA1", "v1:a", 2));
    state = apply(state, new UserRequest.PutUserPolicy("alice", "all", POLICY));
    assertTrue(refused(state, new UserRequest.DeleteUser("alice")).contains("still has access keys [AKIAAAAAAAAAAAAAAAA1]"));
    state = apply(state, new UserRequest.DeleteAccessKey("alice", "AKIAAAAAAAAAAAAAAAA1"));
    assertTrue(refused(state, new UserRequest.DeleteUser("alice")).contains("still has policies [all]"));
    assertEquals("policyName 'other' is not a policy of user 'alice'.",
        refused(state, new UserRequest.DeleteUserPolicy("alice", "other")));
    state = apply(state, new UserRequest.DeleteUserPolicy("alice", "all"));
    state = apply(state, new UserRequest.DeleteUser("alice"));
    assertTrue(state.users().isEmpty());
  }

  @Test
  void oversizedPoliciesAreRefused() {
    ControlPlaneState state = apply(ControlPlaneState.EMPTY, new UserRequest.CreateUser("alice", 1));
    assertTrue(refused(state, new UserRequest.PutUserPolicy("alice", "big", "x".repeat(10_241)))
        .startsWith("policyDocument is 10241 characters"));
  }
}
