package io.drover.core.iam;

import java.util.List;
import java.util.Objects;

/**
 * Who made a request, once its signature checked out: the user that owns the access key and the
 * policies attached to that user, which decide what the request may do.
 *
 * @param userArn the user's ARN, e.g. {@code arn:aws:iam::123456789012:user/alice}
 * @param policies every policy attached to the user; none means everything is denied
 */
public record Principal(String userName, String userArn, String accessKeyId, List<PolicyDocument> policies) {

  public Principal {
    Objects.requireNonNull(userName, "userName");
    policies = List.copyOf(policies);
  }

  /** The decision of this principal's policies for {@code action} on {@code resourceArn} ({@code *} for none). */
  public Decision decide(String action, String resourceArn) {
    return PolicyEvaluator.evaluate(policies, action, resourceArn);
  }
}
