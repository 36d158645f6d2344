package io.drover.core.model;

/** AWS Batch job states, in lifecycle order. */
public enum JobStatus {
  SUBMITTED,
  PENDING,
  RUNNABLE,
  STARTING,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED;
  }

  /** True while an attempt holds a host: STARTING or RUNNING. */
  public boolean isActiveOnHost() {
    return this == STARTING || this == RUNNING;
  }
}
