package io.drover.core.iam;

/** Whether a policy statement allows or denies what it matches; in IAM's JSON, {@code Allow} or {@code Deny}. */
public enum Effect {
  ALLOW("Allow"),
  DENY("Deny");

  private final String jsonName;

  Effect(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name in a policy document: {@code Allow} or {@code Deny}. */
  public String jsonName() {
    return jsonName;
  }
}
