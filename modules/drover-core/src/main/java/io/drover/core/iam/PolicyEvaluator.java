package io.drover.core.iam;

import java.util.List;
import java.util.Objects;

/**
 * Decides whether policies allow an action on a resource, with IAM's logic: a matching
 * {@link Effect#DENY} statement in any document wins; otherwise a matching {@link Effect#ALLOW}
 * statement allows; otherwise the request is denied implicitly. Order does not matter.
 */
public final class PolicyEvaluator {

  private PolicyEvaluator() {}

  /**
   * The decision for {@code action} (e.g. {@code batch:SubmitJob}) on {@code resourceArn}. An action
   * that acts on no particular resource is decided for the resource {@code *}, which only a
   * {@code Resource} pattern such as {@code *} or a {@code NotResource} matches, as in IAM.
   */
  public static Decision evaluate(List<PolicyDocument> policies, String action, String resourceArn) {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resourceArn, "resourceArn");
    boolean allowed = false;
    for (PolicyDocument policy : policies) {
      for (Statement statement : policy.statements()) {
        if (statement.matches(action, resourceArn)) {
          if (statement.effect() == Effect.DENY) {
            return Decision.EXPLICIT_DENY;
          }
          allowed = true;
        }
      }
    }
    return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
  }

  /**
   * Whether {@code action} may be allowed on some resource: some Allow statement matches the action,
   * and no Deny statement matches it on every resource. False means {@link #evaluate} denies the
   * action whatever the resource, so a listing can answer at once; true means it must decide each
   * resource.
   */
  public static boolean mayBeAllowedSomewhere(List<PolicyDocument> policies, String action) {
    Objects.requireNonNull(action, "action");
    boolean allowedSomewhere = false;
    for (PolicyDocument policy : policies) {
      for (Statement statement : policy.statements()) {
        if (statement.matchesAction(action)) {
          if (statement.effect() == Effect.DENY && statement.coversEveryResource()) {
            return false;
          }
          allowedSomewhere |= statement.effect() == Effect.ALLOW;
        }
      }
    }
    return allowedSomewhere;
  }
}
