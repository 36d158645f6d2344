package io.drover.controller.api;

import io.drover.core.iam.Decision;
import io.drover.core.iam.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What the caller of one request may do: their policies evaluated for an action on a resource ARN,
 * as IAM evaluates identity-based policies (an explicit deny wins; anything not allowed is denied).
 * A denied call is answered as AWS does, 403 {@code AccessDeniedException}, naming the action and
 * resource.
 */
public final class Access {

  private final Principal principal;
  private final String invocationId;

  public Access(Principal principal) {
    this(principal, null);
  }

  /**
   * @param invocationId the SDK's id for this call ({@code amz-sdk-invocation-id}), which its
   *     automatic retries send again; null when the caller sent none
   */
  public Access(Principal principal, String invocationId) {
    this.principal = principal;
    this.invocationId = invocationId;
  }

  public Principal principal() {
    return principal;
  }

  /** The SDK's id for this call, the same on each of its retries; null when the caller sent none. */
  public String invocationId() {
    return invocationId;
  }

  public boolean allows(String action, String resourceArn) {
    return principal.decide(action, resourceArn) == Decision.ALLOW;
  }

  /** Throws {@code AccessDeniedException} unless {@code action} is allowed on {@code resourceArn}. */
  public void require(String action, String resourceArn) {
    Decision decision = principal.decide(action, resourceArn);
    if (decision != Decision.ALLOW) {
      throw new ApiException(StatusCodes.FORBIDDEN, "AccessDeniedException",
          "User: " + principal.userArn() + " is not authorized to perform: " + action + " on resource: " + resourceArn
              + (decision == Decision.EXPLICIT_DENY
                  ? " with an explicit deny in an identity-based policy"
                  : " because no identity-based policy allows the " + action + " action"));
    }
  }

  /**
   * For answers by queue: the entries of {@code byQueueName}, in its order, whose queue
   * ({@code queueArn} of the name) {@code action} is allowed on.
   */
  public <V> Map<String, V> allowedQueues(String action, Map<String, V> byQueueName, Function<String, String> queueArn) {
    Map<String, V> allowed = new LinkedHashMap<>();
    byQueueName.forEach((name, value) -> {
      if (allows(action, queueArn.apply(name))) {
        allowed.put(name, value);
      }
    });
    return allowed;
  }

  /**
   * For listings filtered to what the caller may see: throws {@code AccessDeniedException} when no
   * policy allows {@code action} on anything, so an empty answer always means "nothing there".
   */
  public void requireSomewhere(String action, String resourcePattern) {
    if (!io.drover.core.iam.PolicyEvaluator.mayBeAllowedSomewhere(principal.policies(), action)) {
      require(action, resourcePattern);
    }
  }
}
