package io.drover.core.iam;

/**
 * The outcome of evaluating policies for one action on one resource, as IAM names it: allowed,
 * denied by a statement that says so, or denied because no statement allows it. The HTTP layer
 * answers both denials alike; the difference is for explaining a refusal.
 */
public enum Decision {
  ALLOW,
  EXPLICIT_DENY,
  IMPLICIT_DENY
}
